using System;
using System.Collections.Generic;
using System.Linq;
using ParallelJobs.Output;
using Xunit;

namespace ParallelJobs.Engine.Tests.Output;

public sealed class SlotSelectionTests
{
    private static readonly DateTime T0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static CommandResult Ran(int index, int slot, int startSecond) =>
        new CommandResult { Index = index, Slot = slot, StartTime = startSecond < 0 ? null : T0.AddSeconds(startSecond) };

    [Fact]
    public void Results_come_slot_by_slot_each_in_the_order_it_ran()
    {
        var results = new[] { Ran(0, 1, 5), Ran(1, 0, 3), Ran(2, 1, 1), Ran(3, -1, -1), Ran(4, 0, 0), Ran(5, 0, 3) };

        var bySlot = SlotSelection.BySlotInRunOrder(results);

        Assert.Equal(new[] { 0, 1 }, bySlot.Select(p => p.Key.Slot));
        Assert.Equal(new[] { 4, 1, 5 }, bySlot[0].Value.Select(r => r.Index)); // same start: input order
        Assert.Equal(new[] { 2, 0 }, bySlot[1].Value.Select(r => r.Index));
    }

    [Fact]
    public void Asked_slots_that_exist_are_kept_in_the_order_asked_and_the_others_named()
    {
        var missing = new List<string>();

        var chosen = SlotSelection.Choose(new[] { 3, 7, 0 }, k => k < 4, SlotSelection.RunOf(4), (k, m) => missing.Add($"{k}: {m}"));

        Assert.Equal(new[] { 3, 0 }, chosen);
        Assert.Equal(new[] { "7: Slot 7 is outside the run: it has slots 0 to 3." }, missing);
    }
}
