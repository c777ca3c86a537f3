using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace ParallelJobs
{
    /// <summary>
    /// Registers <see cref="ParallelJob"/>s with PowerShell's job manager, so Get-Job, Wait-Job,
    /// Receive-Job, Stop-Job and Remove-Job find them like any other job. PowerShell creates one instance
    /// per session from the job definition's type; the jobs themselves are created by Start-ParallelCommand
    /// and handed over through the invocation's parameters.
    /// </summary>
    public sealed class ParallelJobSourceAdapter : JobSourceAdapter
    {
        internal const string NewJobParameter = "NewJob";
        private readonly ConcurrentDictionary<Guid, ParallelJob> _jobs = new ConcurrentDictionary<Guid, ParallelJob>();

        public ParallelJobSourceAdapter()
        {
            Name = nameof(ParallelJobSourceAdapter);
        }

        public override Job2 NewJob(JobInvocationInfo specification)
        {
            if (specification == null) throw new ArgumentNullException(nameof(specification));
            foreach (var parameters in specification.Parameters)
            {
                foreach (var p in parameters)
                {
                    if (p.Name == NewJobParameter && p.Value is ParallelJob job)
                    {
                        _jobs.TryAdd(job.InstanceId, job);
                        return job;
                    }
                }
            }
            throw new ArgumentException("A ParallelJob is created by Start-ParallelCommand -AsJob.", nameof(specification));
        }

        public override IList<Job2> GetJobs() => _jobs.Values.OrderBy(j => j.Id).Cast<Job2>().ToList();

        public override IList<Job2> GetJobsByName(string name, bool recurse) =>
            Matching(j => string.Equals(j.Name, name, StringComparison.OrdinalIgnoreCase));

        public override IList<Job2> GetJobsByCommand(string command, bool recurse) =>
            Matching(j => string.Equals(j.Command, command, StringComparison.OrdinalIgnoreCase));

        public override Job2? GetJobByInstanceId(Guid instanceId, bool recurse) =>
            _jobs.TryGetValue(instanceId, out var job) ? job : null;

        public override Job2? GetJobBySessionId(int id, bool recurse) => _jobs.Values.FirstOrDefault(j => j.Id == id);

        public override IList<Job2> GetJobsByState(JobState state, bool recurse) =>
            Matching(j => j.JobStateInfo.State == state);

        public override IList<Job2> GetJobsByFilter(Dictionary<string, object> filter, bool recurse) =>
            throw new PSNotSupportedException("ParallelJob does not support filters; use Get-Job with -Name, -Id, -State or Where-Object.");

        /// <summary>Remove-Job: PowerShell has already refused a running job without -Force; with -Force this stops it.</summary>
        public override void RemoveJob(Job2 job)
        {
            if (job == null) throw new ArgumentNullException(nameof(job));
            if (!_jobs.TryRemove(job.InstanceId, out var removed)) return;
            removed.StopJob();
            removed.Dispose();
        }

        private List<Job2> Matching(Func<ParallelJob, bool> predicate) =>
            _jobs.Values.Where(predicate).OrderBy(j => j.Id).Cast<Job2>().ToList();
    }
}
