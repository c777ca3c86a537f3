using System;
using System.Management.Automation;
using System.Reflection;

namespace ParallelJobs.Commands
{
    /// <summary>
    /// Tells whether a cmdlet's output goes straight to the host (Out-Default / Out-Host) or somewhere else
    /// (<c>&gt; file</c>, <c>$x = ...</c>, another command). PowerShell does not strip ANSI sequences from strings
    /// written to files, so a plot must know this to stay plain when redirected.
    /// </summary>
    /// <remarks>
    /// PowerShell has no public API for it: <c>&gt; file</c> leaves PipelineLength at 1. The output pipe's
    /// downstream command is read by reflection (stable internals since PowerShell 2: MshCommandRuntime.OutputPipe,
    /// Pipe._downstreamCmdlet / _isRedirected). When that fails, fall back to "last command of its pipeline".
    /// </remarks>
    internal static class OutputDestinationProbe
    {
        private const BindingFlags Internal = BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance;

        public static bool GoesToHost(PSCmdlet cmdlet)
        {
            bool? probed = ProbeOutputPipe(cmdlet);
            if (probed.HasValue)
            {
                return probed.Value;
            }
            var invocation = cmdlet.MyInvocation;
            return invocation == null || invocation.PipelinePosition == invocation.PipelineLength;
        }

        private static bool? ProbeOutputPipe(Cmdlet cmdlet)
        {
            try
            {
                object? runtime = cmdlet.CommandRuntime;
                object? pipe = runtime?.GetType().GetProperty("OutputPipe", Internal)?.GetValue(runtime, null);
                if (pipe == null)
                {
                    return null;
                }
                var pipeType = pipe.GetType();
                object? downstream = pipeType.GetField("_downstreamCmdlet", Internal)?.GetValue(pipe);
                if (downstream != null)
                {
                    string name = DownstreamName(downstream);
                    return name.Equals("Out-Default", StringComparison.OrdinalIgnoreCase)
                        || name.Equals("Out-Host", StringComparison.OrdinalIgnoreCase);
                }
                if (pipeType.GetField("_isRedirected", Internal)?.GetValue(pipe) is bool redirected)
                {
                    // No downstream command: either redirected (file, variable) or the host's own output.
                    return !redirected;
                }
                return null;
            }
            catch (Exception exception) when (exception is TargetInvocationException || exception is MemberAccessException
                                              || exception is InvalidCastException || exception is NotSupportedException)
            {
                return null;
            }
        }

        private static string DownstreamName(object commandProcessor)
        {
            if (commandProcessor.GetType().GetProperty("CommandInfo", Internal)?.GetValue(commandProcessor, null) is CommandInfo info)
            {
                return info.Name;
            }
            return commandProcessor.ToString() ?? "";
        }
    }
}
