using System;
using System.Runtime.InteropServices;

namespace ParallelJobs.Compression
{
    /// <summary>
    /// Raw deflate through the runtime's zlib (<see cref="NativeZlib"/>): the same code and speed as DeflateStream,
    /// but zlib stops exactly after the final block (it gives back the whole bytes it read ahead), so the caller
    /// knows where the gzip trailer is.
    /// </summary>
    internal sealed unsafe class NativeInflater : RawInflater
    {
        /// <summary>Raw deflate (no zlib or gzip wrapper), 32 KiB window.</summary>
        private const int WindowBits = -15;

        // Unmanaged, so its address never changes between calls (zlib keeps pointers into its own state only,
        // but nothing here depends on that). Freed by Dispose, or by the finalizer if a caller forgot.
        private NativeZlib.ZStream* _stream;
        private bool _finished;
        private static int _resetKind; // 0: untried, 1: InflateReset2_, 2: InflateReset, 3: neither (end and init again)

        public NativeInflater()
        {
            _stream = (NativeZlib.ZStream*)Marshal.AllocHGlobal(sizeof(NativeZlib.ZStream));
            *_stream = default;
            int rc;
            try { rc = NativeZlib.InflateInit2(_stream, WindowBits); }
            catch
            {
                Marshal.FreeHGlobal((IntPtr)_stream);
                _stream = null;
                throw;
            }
            if (rc != NativeZlib.Ok)
            {
                Marshal.FreeHGlobal((IntPtr)_stream);
                _stream = null;
                throw new InvalidOperationException("zlib inflateInit2 failed with " + rc);
            }
        }

        ~NativeInflater() => Free();

        public override bool Finished => _finished;

        public override int Inflate(CompressedInput input, byte[] output, int offset, int count)
        {
            if (_stream == null) throw new ObjectDisposedException(nameof(NativeInflater));
            if (_finished) return 0;
            int produced = 0;
            while (produced < count)
            {
                if (input.Available == 0 && !input.Fill())
                    throw GzipDataException.EndsEarly(input.Position, "the file ends inside a member's compressed data");
                int available = input.Available;
                int room = count - produced;
                int rc;
                fixed (byte* inBytes = input.Buffer)
                fixed (byte* outBytes = output)
                {
                    _stream->NextIn = inBytes + input.Start;
                    _stream->AvailIn = (uint)available;
                    _stream->NextOut = outBytes + offset + produced;
                    _stream->AvailOut = (uint)room;
                    rc = NativeZlib.Inflate(_stream, NativeZlib.NoFlush);
                    int consumed = available - (int)_stream->AvailIn;
                    int made = room - (int)_stream->AvailOut;
                    _stream->NextIn = null;
                    _stream->NextOut = null;
                    input.Start += consumed;
                    produced += made;
                    if (rc == NativeZlib.StreamEnd)
                    {
                        _finished = true;
                        return produced;
                    }
                    if (rc == NativeZlib.DataError)
                    {
                        string? message = _stream->Message == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(_stream->Message);
                        throw GzipDataException.Corrupt(input.Position, message ?? "invalid deflate data");
                    }
                    if (rc != NativeZlib.Ok && rc != NativeZlib.BufferError)
                        throw new InvalidOperationException("zlib inflate failed with " + rc);
                    // With input and room, zlib always moves on; guard against a loop anyway.
                    if (consumed == 0 && made == 0) throw new InvalidOperationException("zlib inflate made no progress (" + rc + ")");
                }
            }
            return produced;
        }

        public override void Reset()
        {
            if (_stream == null) throw new ObjectDisposedException(nameof(NativeInflater));
            _finished = false;
            if (_resetKind <= 1)
            {
                try
                {
                    Check(NativeZlib.InflateReset2(_stream, WindowBits), "inflateReset2");
                    _resetKind = 1;
                    return;
                }
                catch (EntryPointNotFoundException) { _resetKind = 2; }
            }
            if (_resetKind == 2)
            {
                try
                {
                    Check(NativeZlib.InflateReset(_stream), "inflateReset");
                    return;
                }
                catch (EntryPointNotFoundException) { _resetKind = 3; }
            }
            _ = NativeZlib.InflateEnd(_stream); // releasing: an error here leaves nothing to do
            *_stream = default;
            Check(NativeZlib.InflateInit2(_stream, WindowBits), "inflateInit2");
        }

        public override void Dispose()
        {
            Free();
            GC.SuppressFinalize(this);
        }

        private void Free()
        {
            if (_stream == null) return;
            _ = NativeZlib.InflateEnd(_stream); // releasing: an error here leaves nothing to do
            Marshal.FreeHGlobal((IntPtr)_stream);
            _stream = null;
        }

        private static void Check(int rc, string what)
        {
            if (rc != NativeZlib.Ok) throw new InvalidOperationException("zlib " + what + " failed with " + rc);
        }
    }
}
