namespace ParallelJobs.Module.Tests;

/// <summary>
/// The module's public surface is what users see: the cmdlets, the job types, and the objects the cmdlets emit.
/// Everything else is internal (the cmdlets, tests and bench see it through InternalsVisibleTo), so a type that
/// becomes public by accident, or a setter users could call, fails here until it is reviewed and listed.
/// </summary>
public sealed class PublicSurfaceTests : IClassFixture<ModuleAssembly>
{
    private readonly ModuleAssembly _m;

    public PublicSurfaceTests(ModuleAssembly m) => _m = m;

    private static readonly string[] Cmdlets =
    {
        // The base of the cmdlets that drive engine work: a public class cannot derive from an internal one.
        // Its constructor and members for the cmdlets are private protected, so nothing outside derives from it.
        "ParallelJobs.Commands.EngineCmdlet",
        "ParallelJobs.Commands.ExportQualityDistributionCommand",
        "ParallelJobs.Commands.ExportQualityReportCommand",
        "ParallelJobs.Commands.ExportQualityPlotCommand",
        "ParallelJobs.Commands.GetParallelSlotCommand",
        "ParallelJobs.Commands.GetQualityDistributionCommand",
        "ParallelJobs.Commands.ImportQualityDistributionCommand",
        "ParallelJobs.Commands.MergeQualityDistributionCommand",
        "ParallelJobs.Commands.ReceiveSlotOutputCommand",
        "ParallelJobs.Commands.ShowQualityPlotCommand",
        "ParallelJobs.Commands.StartParallelCommandCommand",
        // PowerShell's JobManager creates the adapter by type, so it must be public.
        "ParallelJobs.ParallelJobSourceAdapter",
        "ParallelJobs.ParallelChildJob",
        "ParallelJobs.ParallelJob",
    };

    private static readonly string[] Engine =
    {
        "ParallelJobs.CommandFailedException",
        "ParallelJobs.CommandResult",
        "ParallelJobs.CommandStatus",
        "ParallelJobs.ParallelSlot",
        "ParallelJobs.SlotActivity",
        "ParallelJobs.SlotOutputLine",
        "ParallelJobs.StreamKind",
    };

    private static readonly string[] Quality =
    {
        "ParallelJobs.Plotting.QualityPlotKind",
        "ParallelJobs.PositionNContent",
        "ParallelJobs.PositionQuality",
        "ParallelJobs.QualityDistribution",
        "ParallelJobs.ReadLengthCount",
        "ParallelJobs.ReadQualityCount",
        "ParallelJobs.ReadStatistics",
    };

    private static List<string> PublicTypes(System.Reflection.Assembly a) =>
        a.GetExportedTypes().Select(t => t.FullName!).OrderBy(n => n, StringComparer.Ordinal).ToList();

    [Fact]
    public void EachAssembly_ExportsOnlyTheReviewedTypes()
    {
        Assert.Equal(Cmdlets.OrderBy(n => n, StringComparer.Ordinal), PublicTypes(_m.Cmdlets));
        Assert.Equal(Engine.OrderBy(n => n, StringComparer.Ordinal), PublicTypes(_m.Engine));
        Assert.Equal(Quality.OrderBy(n => n, StringComparer.Ordinal), PublicTypes(_m.Quality));
    }

    [Fact]
    public void ResultTypes_HaveNoPublicSetters()
    {
        foreach (var name in Engine.Concat(Quality))
        {
            var type = _m.FindType(name)!;
            // Only the type's own properties: an exception inherits Exception's settable HelpLink and Source.
            foreach (var p in type.GetProperties().Where(p => p.DeclaringType == type))
                Assert.True(p.SetMethod == null || !p.SetMethod.IsPublic, $"{name}.{p.Name} has a public setter");
        }
    }
}
