using System;

namespace ParallelJobs.Compression
{
    /// <summary>
    /// Decompresses one raw deflate stream (RFC 1951) from a <see cref="CompressedInput"/> and leaves the input
    /// exactly at the first byte after it, where a gzip member's trailer starts. Two implementations: the zlib of
    /// the .NET runtime (<see cref="NativeInflater"/>) and a managed one (<see cref="ManagedInflater"/>), the
    /// reference the native one is tested against and the fallback where the runtime has no zlib to call.
    /// </summary>
    internal abstract class RawInflater : IDisposable
    {
        /// <summary>
        /// Decompresses into output[offset, offset + count) (count &gt; 0): the bytes produced, at least one unless
        /// the stream has ended (<see cref="Finished"/>). Throws <see cref="GzipDataException"/> for corrupt data
        /// and for input that ends before the stream's final block does.
        /// </summary>
        public abstract int Inflate(CompressedInput input, byte[] output, int offset, int count);

        /// <summary>The final block has ended and every byte has been handed out.</summary>
        public abstract bool Finished { get; }

        /// <summary>Ready for the next deflate stream (the next gzip member).</summary>
        public abstract void Reset();

        public abstract void Dispose();

        /// <summary>The runtime's zlib when it works here, otherwise the managed inflater.</summary>
        public static RawInflater Create(bool preferNative = true) =>
            preferNative && NativeZlib.IsAvailable ? (RawInflater)new NativeInflater() : new ManagedInflater();
    }
}
