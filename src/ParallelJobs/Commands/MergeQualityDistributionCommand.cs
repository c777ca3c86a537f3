using System;
using System.Management.Automation;
using ParallelJobs.Reports;

namespace ParallelJobs.Commands
{
    /// <summary>
    /// Merge-QualityDistribution: adds QualityDistribution objects (live, or loaded with Import-QualityDistribution)
    /// into one. The score counts are added and every statistic, binning included, is computed again from the sum,
    /// so merging the saved results of several machines gives the numbers of one run over all their files.
    /// </summary>
    [Cmdlet(VerbsData.Merge, "QualityDistribution")]
    [OutputType(typeof(QualityDistribution))]
    public sealed class MergeQualityDistributionCommand : PSCmdlet
    {
        // Parts are added as they arrive: only the running sum is kept, not a thousand imported objects.
        private readonly QualityDistributionMerge _merge = new QualityDistributionMerge();

        /// <summary>The distributions to add.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public QualityDistribution[] InputObject { get; set; } = Array.Empty<QualityDistribution>();

        /// <summary>Name of the merged distribution; default "Merged", as Get-QualityDistribution -Merge.</summary>
        [Parameter]
        [ValidateNotNull]
        public string Name { get; set; } = QualityDistributionMerge.DefaultName;

        protected override void ProcessRecord()
        {
            foreach (var part in InputObject)
            {
                if (part == null) continue;
                try { _merge.Add(part); }
                catch (ArgumentException e) { WriteError(new ErrorRecord(e, "DistributionWithoutCounts", ErrorCategory.InvalidData, part)); }
            }
        }

        protected override void EndProcessing()
        {
            if (_merge.Count == 0)
            {
                WriteWarning("No QualityDistribution objects were received; nothing to merge.");
                return;
            }
            WriteObject(_merge.ToDistribution(Name));
        }
    }
}
