using ParallelJobs.Quality;
using ParallelJobs.Statistics;

namespace ParallelJobs.Quality.Tests.Statistics;

// RetainedArrays<int> is not used by the engine, so these tests see only their own arrays.
public sealed class RetainedArraysTests
{
    [Fact]
    public void AnArrayReturnedDirtyComesBackZeroed()
    {
        var first = RetainedArrays<int>.Rent(100_000);
        Array.Fill(first, 7);
        RetainedArrays<int>.Return(first);
        var second = RetainedArrays<int>.Rent(50_000);
        Assert.True(second.Length >= 50_000);
        Assert.All(second, v => Assert.Equal(0, v));
        RetainedArrays<int>.Return(second);
    }

    [Fact]
    public void NeverKeepsMoreThanItsBoundAndPrefersLargeArrays()
    {
        var arrays = Enumerable.Range(0, 40).Select(i => new int[(1 << 20) + i]).ToList(); // 40 × 4 MB
        foreach (var a in arrays) RetainedArrays<int>.Return(a);
        Assert.InRange(RetainedArrays<int>.RetainedBytes, 1, RetainedArrays<int>.MaxRetainedBytes);
        // The largest ones are kept: a request for the largest size is served from what was returned.
        var largest = RetainedArrays<int>.Rent((1 << 20) + 39);
        Assert.Contains(arrays, a => ReferenceEquals(a, largest));
        RetainedArrays<int>.Return(largest);
    }
}
