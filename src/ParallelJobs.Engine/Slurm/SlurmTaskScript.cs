using System.IO;
using System.Text;

namespace ParallelJobs.Slurm
{
    /// <summary>
    /// The POSIX sh script every Slurm array task runs. A task is a worker, not one command: it takes
    /// commands from the run directory one at a time, so short commands share a task (and the scheduler
    /// sees few of them) while long ones get a task each. Layout and protocol: <see cref="SlurmRunDirectory"/>.
    /// </summary>
    /// <remarks>
    /// Arguments: the run directory, the work budget in seconds (after that much time the task takes no new
    /// command; 0 = one command per task), the linger time in seconds (how long an idle task waits for
    /// more input while the run's input is not complete) and the grace period in seconds (between SIGTERM and
    /// SIGKILL when one command is stopped through its cancel marker, cancel/ITEM).
    ///
    /// A command is taken by creating <c>claim/ITEM</c> with mkdir, which is atomic on every shared
    /// filesystem (NFS included), so two tasks never run the same command. Records are written to a
    /// temporary name and renamed, so the submitting side never reads half a record.
    ///
    /// The exit code and signal come from the real wait status when perl is on the node (Debian and Ubuntu
    /// always have it: perl-base is essential; RHEL-like HPC nodes almost always do): perl forks, the child
    /// execs /bin/sh -c, perl writes the start record with the child's pid and then waits. Without perl the
    /// shell runs the command in the background and reads $?, where a signal shows as 128+n and cannot be
    /// told from an exit with that code (a record then says waitstatus=shell).
    /// </remarks>
    internal static class SlurmTaskScript
    {
        /// <summary>
        /// Run through perl: fork, exec /bin/sh -c in a process group of its own, write the start record, wait,
        /// print "code signal pid cancelled" on fd 3. While it waits it looks for the command's cancel marker
        /// (cancel/ITEM, written by the module for Stop-Job on this one command) twice a second; when it appears
        /// the command's process group gets SIGTERM and, after the grace period, SIGKILL. SIGCHLD ends the wait
        /// at once, so the polling adds nothing to a command's duration. No single quote in here: the script
        /// holds the runner in single quotes.
        /// </summary>
        private const string PerlRunner =
            "my ($m, $h, $c, $k, $g) = @ARGV; " +
            "$SIG{CHLD} = sub { }; " +
            "my $p = fork; " +
            "if (!defined $p) { print STDERR \"fork failed: $!\\n\"; exit 125 } " +
            // The child closes fd 3 (the pipe back to the task script) so a command that leaves a process behind
            // cannot keep the script waiting for it.
            "if (!$p) { $SIG{CHLD} = \"DEFAULT\"; setpgrp(0, 0); open(my $x, \">&=\", 3) and close($x); exec(\"/bin/sh\", \"-c\", $c) or exit 127 } " +
            // Slurm signals the task's own process group (scancel, a time limit, a requeue): passed on to the
            // command's group, so it still gets its SIGTERM before Slurm's SIGKILL.
            "for my $n (\"TERM\", \"INT\", \"HUP\", \"USR1\", \"USR2\") { $SIG{$n} = sub { kill($n, -$p) } } " +
            "if (open(my $f, \">\", \"$m.tmp\")) { print $f $h, \"pid=$p\\n\"; close($f); rename(\"$m.tmp\", $m) } " +
            "my $t = 0; " +
            "while (waitpid($p, 1) == 0) { " +
            "if (!$t) { if (-e $k) { $t = time; kill(\"TERM\", -$p) || kill(\"TERM\", $p) } } " +
            "elsif (time - $t >= $g) { kill(\"KILL\", -$p) || kill(\"KILL\", $p) } " +
            "select(undef, undef, undef, 0.5) } " +
            "my $s = $?; my $x = $t ? \"running\" : \"\"; " +
            "open(my $o, \">&=\", 3) or exit 125; " +
            "if ($s & 127) { print $o (128 + ($s & 127)), \" \", ($s & 127), \" $p $x\\n\" } else { print $o ($s >> 8), \" - $p $x\\n\" }";

        public const string Text = @"#!/bin/sh
# ParallelJobs Slurm array task: takes commands from a run directory and runs them one at a time.
# Usage: task.sh RUN_DIRECTORY BUDGET_SECONDS LINGER_SECONDS [GRACE_SECONDS]
# Written by the ParallelJobs module; see docs/slurm.md.
d=$1 budget=${2:-0} linger=${3:-0} grace=${4:-10}
set -f
task=${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:-0}}_${SLURM_ARRAY_TASK_ID:-0}
raw=${SLURM_JOB_ID:-0}
host=$(uname -n)
node=${SLURMD_NODENAME:-$host}
# How often Slurm has requeued this task (scontrol requeue, a node failure with requeue): a requeued task
# starts this script again under the same job id, and says so, so that the command it ran before is known lost.
restart=${SLURM_RESTART_COUNT:-0}
case $restart in ''|*[!0-9]*) restart=0 ;; esac
runner='" + PerlRunner + @"'
perl=
if command -v perl >/dev/null 2>&1 && perl -e 1 >/dev/null 2>&1; then perl=1; fi

# Sets t to the time now in seconds since the epoch, with nanoseconds where date has %N.
now() {
    t=$(date +%s.%N 2>/dev/null)
    case $t in ''|*[!0-9.]*) t=$(date +%s) ;; esac
}

# put DIR ITEM TEXT: writes DIR/ITEM atomically (a temporary name, then rename).
put() {
    printf '%s' ""$3"" >""$d/$1/.$2.$raw.tmp"" && mv -f ""$d/$1/.$2.$raw.tmp"" ""$d/$1/$2""
}

run_item() {
    item=$1
    i=${item%.*}
    out=""$d/out/$item.out""
    err=""$d/out/$item.err""
    now
    head=""item=$item
task=$task
jobid=$raw
node=$node
host=$host
restart=$restart
start=$t
""
    if [ -r ""$d/cmd/$i"" ]; then
        # Read with the shell's own read (no cat process per command); keeps every line of the command.
        cmd= line=
        while IFS= read -r line || [ -n ""$line"" ]; do cmd=""$cmd$line
""; line=; done <""$d/cmd/$i""
        PARALLELJOBS_INDEX=$i PARALLELJOBS_SLURM_TASK=$task
        export PARALLELJOBS_INDEX PARALLELJOBS_SLURM_TASK
        if [ -f ""$d/cancel/$item"" ]; then
            # Stopped (Stop-Job on this command) between being taken and starting: it does not start.
            code=0 sig=- pid=0 how=none cancelled=before
            : >""$out""; : >""$err""
        elif [ -n ""$perl"" ]; then
            res=$(perl -e ""$runner"" ""$d/run/$item"" ""$head"" ""$cmd"" ""$d/cancel/$item"" ""$grace"" 3>&1 >""$out"" 2>""$err"" </dev/null)
            set -- $res
            code=${1:-125} sig=${2:--} pid=${3:-0} cancelled=${4:-} how=exact
        else
            /bin/sh -c ""$cmd"" >""$out"" 2>""$err"" </dev/null &
            pid=$!
            put run ""$item"" ""${head}pid=$pid
""
            # A watcher for the cancel marker; it only signals the command's shell (no process groups here).
            ( while [ ! -f ""$d/cancel/$item"" ]; do sleep 1; kill -0 ""$pid"" 2>/dev/null || exit 0; done
              kill -TERM ""$pid"" 2>/dev/null; sleep ""$grace""; kill -KILL ""$pid"" 2>/dev/null ) >/dev/null 2>&1 </dev/null &
            watcher=$!
            wait ""$pid""
            code=$? sig=- how=shell cancelled=
            kill ""$watcher"" 2>/dev/null
            if [ ""$code"" -gt 128 ] && [ ""$code"" -lt 160 ]; then sig=$((code - 128)); fi
            [ -f ""$d/cancel/$item"" ] && cancelled=running
        fi
        problem=
    else
        code=127 sig=- pid=0 how=none cancelled=
        problem=""cannot read $d/cmd/$i on $host""
        : >""$out""
        printf '%s\n' ""$problem"" >""$err""
    fi
    now
    put result ""$item"" ""${head}pid=$pid
end=$t
exit=$code
signal=$sig
waitstatus=$how
problem=$problem
cancelled=$cancelled
""
}

[ ""$restart"" -gt 0 ] && put requeue ""$raw"" ""$restart""
now
begin=${t%.*}
b=1 loaded= n=0 pos=1 waited=0 ran=0
while :; do
    if [ ! -f ""$d/batch/$b"" ]; then
        # Everything listed so far is taken. End, or wait a little for more input.
        [ -f ""$d/complete"" ] && break
        now
        [ $((${t%.*} - begin)) -ge ""$budget"" ] && [ ""$ran"" -gt 0 ] && break
        [ ""$waited"" -ge ""$linger"" ] && break
        sleep 1
        waited=$((waited + 1))
        continue
    fi
    if [ ""$loaded"" != ""$b"" ]; then
        set -- $(cat ""$d/batch/$b"")
        n=$# loaded=$b pos=1
    fi
    hint=
    read -r hint 2>/dev/null <""$d/hint/$b""
    case $hint in ''|*[!0-9]*) ;; *) [ ""$hint"" -gt ""$pos"" ] && pos=$hint ;; esac
    item=
    while [ ""$pos"" -le ""$n"" ]; do
        eval ""candidate=\${$pos}""
        pos=$((pos + 1))
        if mkdir ""$d/claim/$candidate"" 2>/dev/null; then item=$candidate; break; fi
    done
    # A hint only: where the next free command of this batch probably is. Taking is done by mkdir alone.
    case $hint in ''|*[!0-9]*) hint=0 ;; esac
    [ ""$pos"" -gt ""$hint"" ] && echo ""$pos"" 2>/dev/null >""$d/hint/$b""
    if [ -z ""$item"" ]; then
        b=$((b + 1))
        continue
    fi
    waited=0
    run_item ""$item""
    ran=$((ran + 1))
    now
    [ $((${t%.*} - begin)) -ge ""$budget"" ] && break
done
exit 0
";

        /// <summary>Writes the script as task.sh in the run directory (executable where that means something).</summary>
        public static string WriteTo(string runDirectory)
        {
            string path = Path.Combine(runDirectory, "task.sh");
            File.WriteAllText(path, Text.Replace("\r\n", "\n"), new UTF8Encoding(false));
            return path;
        }
    }
}
