using System;
using System.Collections;
using System.Management.Automation;

namespace ParallelJobs.Commands
{
    /// <summary>
    /// What -Command takes: command lines as text, or an object's Command property (so an object such as
    /// [pscustomobject]@{ Command = 'make -C lib' }, or the results of an earlier run, give their command lines).
    /// Any other object is an error that says what to give instead, never a command line made of its string
    /// form: a file piped without a template would otherwise be run as a program.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property)]
    internal sealed class CommandLineTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
            if (value == null || value is string) return inputData;
            if (value is IList list && !(value is IDictionary))
            {
                var lines = new string?[list.Count];
                for (int i = 0; i < lines.Length; i++) lines[i] = CommandLine(list[i]);
                return lines;
            }
            return CommandLine(inputData);
        }

        private static string? CommandLine(object? item)
        {
            object? value = item is PSObject pso ? pso.BaseObject : item;
            if (value == null || value is string) return (string?)value;
            var property = PSObject.AsPSObject(item).Properties["Command"];
            object? command = null;
            try { command = property?.Value; }
            catch (GetValueException) { } // a getter that throws gives no command line
            if (command is PSObject wrapped) command = wrapped.BaseObject;
            if (command is string text) return text;
            string shown = MessageText.Shorten(InputText.From(item) ?? "", 200);
            throw new ArgumentTransformationMetadataException(
                $"'{shown}' ({value.GetType().Name}) is not a command line. To run a command for each input, give a template " +
                "with {} where the input goes (Start-ParallelCommand 'gzip -k {}') or a program (-FilePath gzip); " +
                "to run command lines, send text, or objects with a Command property.");
        }
    }
}
