// Run by tests/infra/mono-lane.sh under Mono, whose class library behaves as .NET Framework's (Windows
// PowerShell 5.1): reads a gzip file with the netstandard2.0 build's GzipReader and prints the number of
// members, the uncompressed length and its MD5, then the same for the class library's GZipStream, which
// stops after the first member. Compiled with Mono's mcs; GzipReader is internal, so it is found by reflection.
using System;
using System.IO;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

static class GzipMembers
{
    static int Main(string[] args)
    {
        if (args.Length != 2) { Console.Error.WriteLine("usage: GzipMembers.exe <ParallelJobs.Quality.dll> <file.gz>"); return 2; }
        var quality = Assembly.LoadFrom(args[0]);
        var readerType = quality.GetType("ParallelJobs.Compression.GzipReader", true);
        using (var file = File.OpenRead(args[1]))
        using (var reader = (Stream)Activator.CreateInstance(readerType, file, false, true))
        {
            string md5 = Digest(reader, out long length);
            bool native = (bool)readerType.GetProperty("UsesNativeInflater").GetValue(reader, null);
            int members = (int)readerType.GetProperty("Members").GetValue(reader, null);
            Console.WriteLine("GzipReader " + members + " " + length + " " + md5 + (native ? " native" : " managed"));
        }
        using (var file = File.OpenRead(args[1]))
        using (var gz = new GZipStream(file, CompressionMode.Decompress))
        {
            string md5 = Digest(gz, out long length);
            Console.WriteLine("GZipStream " + length + " " + md5);
        }
        return 0;
    }

    static string Digest(Stream s, out long length)
    {
        using (var md5 = MD5.Create())
        {
            var buffer = new byte[81920];
            length = 0;
            int n;
            while ((n = s.Read(buffer, 0, buffer.Length)) > 0) { md5.TransformBlock(buffer, 0, n, null, 0); length += n; }
            md5.TransformFinalBlock(buffer, 0, 0);
            return BitConverter.ToString(md5.Hash).Replace("-", "").ToLowerInvariant();
        }
    }
}
