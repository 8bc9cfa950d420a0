/*
 * simulator/svg_util.c - the SVG prologue and epilogue, and size labels.
 */
#include "svg_int.h"

/* Text with <, > and & escaped, since trace file names go into titles. */
static void svg_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '<')
			fputs("&lt;", out);
		else if (*s == '>')
			fputs("&gt;", out);
		else if (*s == '&')
			fputs("&amp;", out);
		else if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
			fputc(*s, out);
		else
			fputc('?', out); /* keep the file valid UTF-8 whatever the path */
	}
}

FILE *svg_open(const char *path, double w, double h, const char *title)
{
	FILE *out = fopen(path, "w");

	if (!out)
		return NULL;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
		"font-family=\"monospace\">\n<title>", w, h);
	svg_text(out, title);
	fprintf(out, "</title>\n<rect width=\"%.0f\" height=\"%.0f\" fill=\"white\"/>\n"
		"<text x=\"20\" y=\"16\" font-size=\"12\">", w, h);
	svg_text(out, title);
	fputs("</text>\n", out);
	return out;
}

int svg_close(FILE *out)
{
	fputs("</svg>\n", out);
	if (ferror(out)) {
		fclose(out);
		return -1;
	}
	return fclose(out) == 0 ? 0 : -1;
}

void svg_human_size(uint64_t bytes, char *buf, size_t n)
{
	static const char units[] = "KMGTPE";
	double v = (double)bytes / 1024.0;
	int u = 0;

	if (bytes < 1024) {
		snprintf(buf, n, "%lluB", (unsigned long long)bytes);
		return;
	}
	while (v >= 1024.0 && u < 5) {
		v /= 1024.0;
		u++;
	}
	if (v == (double)(uint64_t)v)
		snprintf(buf, n, "%llu%c", (unsigned long long)v, units[u]);
	else
		snprintf(buf, n, "%.1f%c", v, units[u]);
}
