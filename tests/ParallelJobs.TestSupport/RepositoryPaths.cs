using System;
using System.IO;

namespace ParallelJobs.TestSupport;

/// <summary>The repository (the folder holding ParallelJobs.sln) that the running test or bench was built from.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>../shared/testdata beside the repository: real files of other projects, never copied into it.</summary>
    public static string SharedTestData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "testdata"));

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory != null && !File.Exists(Path.Combine(directory.FullName, "ParallelJobs.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("ParallelJobs.sln not found above " + AppContext.BaseDirectory);
    }
}
