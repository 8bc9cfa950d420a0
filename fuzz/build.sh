#!/bin/bash -eu
# fuzz/build.sh - build every fuzz target the OSS-Fuzz way, so the targets
# run on OSS-Fuzz/ClusterFuzz unchanged. Uses $CC/$CFLAGS to compile,
# $CXX/$CXXFLAGS and $LIB_FUZZING_ENGINE to link, and writes into $OUT:
# each target, its .dict and .options, and <target>_seed_corpus.zip (seed
# corpus plus regression inputs). Outside OSS-Fuzz every variable has a
# default (clang, ASan+UBSan, libFuzzer, build/oss-fuzz).
cd "$(dirname "$0")/.."

CC=${CC:-clang}
CXX=${CXX:-clang++}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CFLAGS=${CFLAGS:-"-g -O1 $SAN -fsanitize=fuzzer-no-link"}
CXXFLAGS=${CXXFLAGS:-"-g -O1 $SAN"}
LIB_FUZZING_ENGINE=${LIB_FUZZING_ENGINE:-"-fsanitize=fuzzer"}
OUT=${OUT:-build/oss-fuzz}
WORK=${WORK:-build/oss-fuzz-work}

INC=(-Immcore/include -Immcore -Isimulator -Ifuzz '-DMM_PLATFORM_HEADER="sim_platform.h"')
mkdir -p "$OUT" "$WORK/obj"

# mmcore, the simulator (platform, MMU, files, parser, replay) and the
# fuzz_mm engine, in one archive: each target links only what it uses.
objs=()
for src in mmcore/*.c $(ls simulator/*.c | grep -v '/main\.c$') fuzz/mm_run.c fuzz/model_mm.c; do
	obj="$WORK/obj/$(echo "$src" | tr / _).o"
	$CC $CFLAGS -std=gnu11 "${INC[@]}" -c "$src" -o "$obj"
	objs+=("$obj")
done
rm -f "$WORK/libfuzzcore.a"
ar rcs "$WORK/libfuzzcore.a" "${objs[@]}"

for src in fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	$CC $CFLAGS -std=gnu11 "${INC[@]}" -c "$src" -o "$WORK/$t.o"
	$CXX $CXXFLAGS "$WORK/$t.o" "$WORK/libfuzzcore.a" $LIB_FUZZING_ENGINE -o "$OUT/$t"
	for extra in dict options; do
		[ -f "fuzz/$t.$extra" ] && cp "fuzz/$t.$extra" "$OUT/"
	done
	rm -f "$OUT/${t}_seed_corpus.zip"
	python3 - "$OUT/${t}_seed_corpus.zip" "fuzz/corpus/$t" "fuzz/regressions/$t" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for d in sys.argv[2:]:
        if os.path.isdir(d):
            for name in sorted(os.listdir(d)):
                z.write(os.path.join(d, name), os.path.basename(d) + "_" + name)
PY
	echo "built $OUT/$t"
done
