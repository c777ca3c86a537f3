using System;

namespace ParallelJobs.Runs
{
    /// <summary>
    /// Engine work that runs on its own threads: what a cmdlet needs to drive any of it the same way (stop it,
    /// show how far it has got, release it). Its events come through <see cref="IEngineRun{TEvent}.Events"/>.
    /// </summary>
    internal interface IEngineRun : IDisposable
    {
        /// <summary>Stops the work and returns at once; what was still to come ends as the run defines.</summary>
        void Cancel();

        /// <summary>How far the work has got now.</summary>
        RunProgress GetProgress();
    }

    /// <summary>An <see cref="IEngineRun"/> and the channel its events come through.</summary>
    internal interface IEngineRun<TEvent> : IEngineRun where TEvent : class
    {
        RunEventChannel<TEvent> Events { get; }
    }
}
