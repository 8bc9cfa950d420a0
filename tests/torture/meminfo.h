/* meminfo.h - free memory as the torture programs measure it. */
#ifndef TORTURE_MEMINFO_H
#define TORTURE_MEMINFO_H

/* Free memory in bytes: /proc/meminfo's MemFree when there is one, else
 * sysinfo's freeram; -1 when neither answers. */
long long meminfo_free(void);

#endif
