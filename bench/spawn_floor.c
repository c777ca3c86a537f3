/* The cheapest way to start processes on this machine, for bench rows 1, 2 and 6, with nothing else
 * (no pipes, no output handling): no launcher can do the same work for less.
 *   spawn_floor N P   /bin/true 1, /bin/true 2, ... /bin/true N (the commands `seq N | xargs -n1 /bin/true`
 *                     and the engine run) started with posix_spawn and reaped with wait, at most P at a
 *                     time; prints milliseconds per job. The argument matters: given one, coreutils' true
 *                     loads the locale (about 80 more system calls), which costs about 1 ms here.
 *   spawn_floor - P   each line of standard input run as /bin/sh -c LINE, in input order, at most P at a
 *                     time, output discarded; prints the wall time in seconds. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int reap(void)
{
    int status;
    if (wait(&status) < 0) { perror("wait"); return -1; }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: spawn_floor N P | spawn_floor - P < lines\n"); return 2; }
    int parallel = atoi(argv[2]);
    int running = 0;
    if (strcmp(argv[1], "-") == 0) {
        static char lines[4096][512];
        int count = 0;
        while (count < 4096 && fgets(lines[count], sizeof lines[count], stdin)) {
            lines[count][strcspn(lines[count], "\n")] = 0;
            count++;
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        double start = now_ms();
        for (int i = 0; i < count; i++) {
            if (running == parallel) { if (reap()) return 1; running--; }
            char *args[] = { "/bin/sh", "-c", lines[i], NULL };
            pid_t pid;
            if (posix_spawn(&pid, "/bin/sh", &actions, NULL, args, environ) != 0) { perror("posix_spawn"); return 1; }
            running++;
        }
        while (running > 0) { if (reap()) return 1; running--; }
        printf("%.6f\n", (now_ms() - start) / 1e3);
        return 0;
    }
    int n = atoi(argv[1]), started = 0;
    char number[32];
    char *args[] = { "/bin/true", number, NULL };
    double start = now_ms();
    while (started < n || running > 0) {
        while (running < parallel && started < n) {
            pid_t pid;
            snprintf(number, sizeof number, "%d", started + 1);
            if (posix_spawn(&pid, "/bin/true", NULL, NULL, args, environ) != 0) { perror("posix_spawn"); return 1; }
            running++;
            started++;
        }
        if (reap()) return 1;
        running--;
    }
    printf("%.6f\n", (now_ms() - start) / n);
    return 0;
}
