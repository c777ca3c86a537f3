using System;
using System.IO;
using System.Management.Automation;

namespace ParallelJobs.Commands
{
    /// <summary>
    /// The -Path rules of a cmdlet that writes one file (Export-QualityPlot, Export-QualityDistribution): a
    /// file-system path, not a directory, in a directory that exists, and an existing file replaced only with
    /// -Force. Each rule fails the cmdlet with a terminating error whose ErrorId starts with the cmdlet's prefix
    /// (PlotFileExists, DistributionFileExists, ...), so scripts can tell them apart.
    /// </summary>
    internal sealed class OutputFile
    {
        private readonly PSCmdlet _cmdlet;
        private readonly string _errorPrefix;
        private readonly bool _force;

        private OutputFile(PSCmdlet cmdlet, string resolvedPath, string errorPrefix, bool force)
        {
            _cmdlet = cmdlet;
            ResolvedPath = resolvedPath;
            _errorPrefix = errorPrefix;
            _force = force;
        }

        /// <summary>The path as the file system sees it.</summary>
        public string ResolvedPath { get; }

        /// <summary>
        /// Resolves <paramref name="path"/> against the current location and checks it before any input is read,
        /// so a wrong path fails at once; <paramref name="checkName"/> (if any) adds a rule of the cmdlet's own
        /// (such as the extension), run after the provider check.
        /// </summary>
        public static OutputFile Resolve(PSCmdlet cmdlet, string path, string errorPrefix, bool force, Action<string>? checkName = null)
        {
            string resolved = ResolveFileSystemPath(cmdlet, path, errorPrefix);
            var file = new OutputFile(cmdlet, resolved, errorPrefix, force);
            checkName?.Invoke(resolved);
            if (Directory.Exists(resolved))
                file.Fail(new IOException("The path is a directory, not a file: " + resolved), "PathIsDirectory", ErrorCategory.InvalidArgument, resolved);
            string? directory = Path.GetDirectoryName(resolved);
            if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
                file.Fail(new DirectoryNotFoundException("The directory does not exist: " + directory), "DirectoryNotFound", ErrorCategory.ObjectNotFound, directory);
            if (File.Exists(resolved) && !force) file.FailExists();
            return file;
        }

        /// <summary>
        /// <paramref name="path"/> resolved against the current location as the file system sees it; a path on
        /// another provider fails the cmdlet with ErrorId prefix + PathNotFileSystem. Also the first rule of a
        /// cmdlet that writes a directory of files (Export-QualityReport).
        /// </summary>
        public static string ResolveFileSystemPath(PSCmdlet cmdlet, string path, string errorPrefix)
        {
            string resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
            if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
                cmdlet.ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"{cmdlet.MyInvocation.MyCommand.Name} writes files; '{path}' is on the {provider.Name} provider."),
                    errorPrefix + "PathNotFileSystem", ErrorCategory.InvalidArgument, path));
            return resolved;
        }

        /// <summary>
        /// Writes the file through <paramref name="save"/>, which gets the path and whether it may overwrite (it must
        /// open with CreateNew when not: a file that appeared since the check is then not clobbered).
        /// </summary>
        public void Write(Action<string, bool> save)
        {
            try
            {
                save(ResolvedPath, _force);
            }
            catch (IOException) when (!_force && File.Exists(ResolvedPath))
            {
                FailExists();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                Fail(e, "WriteFailed", ErrorCategory.WriteError, ResolvedPath);
            }
        }

        /// <summary>Fails the cmdlet with ErrorId prefix + <paramref name="id"/>.</summary>
        public void Fail(Exception e, string id, ErrorCategory category, object target) =>
            _cmdlet.ThrowTerminatingError(new ErrorRecord(e, _errorPrefix + id, category, target));

        private void FailExists() =>
            Fail(new IOException($"The file '{ResolvedPath}' already exists. Use -Force to overwrite it."), "FileExists", ErrorCategory.ResourceExists, ResolvedPath);
    }
}
