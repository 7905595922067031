using System.Security.Cryptography;
using QualityAward.Domain;
using QualityAward.Domain.Applications;

namespace QualityAward.Functions.Applications;

/// <summary>
/// The request body of an upload as the blob client reads it: read-only, forward-only, counting
/// the bytes and hashing them (SHA-256) as they pass, and failing as soon as more than
/// <c>maxBytes</c> have come. The bytes already read to recognise the type (<c>head</c>) are
/// given back first. Nothing is buffered here beyond what the caller asks for. With a
/// <paramref name="check"/> (<see cref="ContentChecks"/>), every byte also passes through it: the
/// read fails as soon as it refuses the content (a PDF's JavaScript, an Office file's macros), or
/// at the very end (a ZIP's directory), so the blob is never committed; <see cref="Unsafe"/> then
/// says why.
/// </summary>
public sealed class UploadStream(ReadOnlyMemory<byte> head, Stream body, long maxBytes, IContentCheck? check = null) : Stream
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _headOffset;
    private bool _ended;
    private string? _hash;

    /// <summary>How many bytes have been read so far (the whole size once the upload is done).</summary>
    public long BytesRead { get; private set; }

    /// <summary>The body was larger than the limit (here, or in the server's own limit).</summary>
    public bool TooLarge { get; private set; }

    /// <summary>Why the content check refused the file, once it has; the read failed then.</summary>
    public Refusal? Unsafe { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    /// <summary>Lowercase hex SHA-256 of everything read; only once the body has been read to its end.</summary>
    public string Sha256()
    {
        if (!_ended)
        {
            throw new InvalidOperationException("The body has not been read to its end.");
        }

        return _hash ??= Convert.ToHexStringLower(_sha256.GetHashAndReset());
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || _ended)
        {
            return 0;
        }

        int read;
        if (_headOffset < head.Length)
        {
            read = Math.Min(buffer.Length, head.Length - _headOffset);
            head.Slice(_headOffset, read).CopyTo(buffer);
            _headOffset += read;
        }
        else
        {
            try
            {
                read = await body.ReadAsync(buffer, cancellationToken);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                TooLarge = true;
                throw;
            }
        }

        return Count(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _ended)
        {
            return 0;
        }

        int read;
        if (_headOffset < head.Length)
        {
            read = Math.Min(buffer.Length, head.Length - _headOffset);
            head.Span.Slice(_headOffset, read).CopyTo(buffer);
            _headOffset += read;
        }
        else
        {
            try
            {
                read = body.Read(buffer);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                TooLarge = true;
                throw;
            }
        }

        return Count(buffer[..read]);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(ReadOnlySpan<byte> read)
    {
        if (read.IsEmpty)
        {
            _ended = true;
            Refuse(check?.Complete());
            return 0;
        }

        BytesRead += read.Length;
        if (BytesRead > maxBytes)
        {
            TooLarge = true;
            throw new IOException($"The upload exceeds {maxBytes} bytes.");
        }

        Refuse(check?.Feed(read));
        _sha256.AppendData(read);
        return read.Length;
    }

    private void Refuse(Refusal? refusal)
    {
        if (refusal is not null)
        {
            Unsafe = refusal;
            throw new IOException($"The upload's content is refused: {refusal.Code}.");
        }
    }
}
