#!/usr/bin/env python3
# The benchmark's Python anchor for row 3 (issue 5).
#
# get_quality_distribution below is copied verbatim from the second reference scenario of this project,
# ../shared/seeds/003_e7339481cc7035f2.txt ("Using the IPython infrastructure for parallel computing",
# section "Setting Up the Code"). It is the scenario's own code, kept as the thing to beat; the driver
# around it (serial loop, 2-process pool instead of an ipyparallel cluster, timing) is ours.
#
# usage: seed_quality.py serial|pool ROOT [PROCESSES]
#   prints: seconds=<wall time of the computation> scores=<scores read> dirs=<directories>

import os
import sys
import time


def get_quality_distribution(seq_dir):
    import os
    positions = {}
    qual_files = [x for x in os.listdir(seq_dir) if x.endswith("qual")]
    for f in qual_files:
        f = os.path.join(seq_dir, f)
        pos = 0
        for line in open(f):
            line = line.strip()
            if line.startswith(">"):
                pos = 0
            else:
                line = [int(x) for x in line.split()]
                for elem in line:
                    if not pos in positions:
                        positions[pos] = []
                    positions[pos].append(elem)
                    pos += 1
    return positions, os.getpid()


def main():
    mode, root = sys.argv[1], sys.argv[2]
    processes = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    # As the seed: dirs = !ls | grep '^t'
    dirs = sorted(os.path.join(root, d) for d in os.listdir(root) if d.startswith("t"))
    start = time.perf_counter()
    if mode == "serial":
        results = [get_quality_distribution(d) for d in dirs]
    else:
        from multiprocessing import Pool
        with Pool(processes) as pool:
            results = pool.map(get_quality_distribution, dirs, chunksize=1)
    seconds = time.perf_counter() - start
    scores = sum(len(v) for positions, _ in results for v in positions.values())
    print("seconds=%.6f scores=%d dirs=%d" % (seconds, scores, len(dirs)))


if __name__ == "__main__":
    main()
