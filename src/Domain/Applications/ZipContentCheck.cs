using System.Buffers.Binary;

namespace QualityAward.Domain.Applications;

/// <summary>
/// A DOCX or XLSX (a ZIP container) checked from its central directory, which sits at the end of
/// the file: the last bytes are kept as they stream past (at most <see cref="TailBytes"/>), and at
/// the end the directory is read from them — never decompressed. Refused: a directory that cannot
/// be read exactly (no end record, ZIP64, entries that do not add up, a directory larger than
/// <see cref="MaxDirectoryBytes"/>) as no accepted type; an entry named absolute, with a drive,
/// a backslash, <c>..</c>, an empty part, control characters, or twice; macros (VBA projects,
/// Excel 4.0 macro sheets) and ActiveX controls; more than <see cref="MaxUnpackedBytes"/> declared
/// unpacked in all (a ZIP bomb). Which Office type it is, the host still decides from the same
/// directory (<see cref="FileTypes.FromZipEntries"/>).
/// </summary>
public sealed class ZipContentCheck(IReadOnlyCollection<FileType> allowed) : IContentCheck
{
    /// <summary>
    /// The most an Office file may declare unpacked, all entries together. Application materials
    /// (reports, tables, embedded scans) unpack to well under this; more is a ZIP bomb or no
    /// application document.
    /// </summary>
    public const long MaxUnpackedBytes = 128L * 1024 * 1024;

    /// <summary>The largest central directory read: about 10,000 entries, the most an Office file is allowed.</summary>
    public const int MaxDirectoryBytes = 1024 * 1024;

    private const int EndRecordBytes = 22;
    private const int EntryHeaderBytes = 46;

    /// <summary>What is kept of the end of the file: the directory, the end record and its longest comment.</summary>
    public const int TailBytes = MaxDirectoryBytes + EndRecordBytes + ushort.MaxValue;

    private static readonly string[] MacroFiles = ["vbaproject.bin", "vbaprojectsignature.bin", "vbaprojectsignatureagile.bin", "vbaprojectsignaturev3.bin", "vbadata.xml"];
    private static readonly string[] MacroFolders = ["activex", "macrosheets", "intlmacrosheets"];

    private readonly byte[] _ring = new byte[TailBytes];
    private long _length;

    public Refusal? Feed(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length >= _ring.Length)
        {
            chunk[^_ring.Length..].CopyTo(_ring);
            _length += chunk.Length;
            return null;
        }

        var at = (int)(_length % _ring.Length);
        var first = Math.Min(chunk.Length, _ring.Length - at);
        chunk[..first].CopyTo(_ring.AsSpan(at));
        chunk[first..].CopyTo(_ring);
        _length += chunk.Length;
        return null;
    }

    public Refusal? Complete()
    {
        var kept = (int)Math.Min(_length, _ring.Length);
        var tail = new byte[kept];
        var start = (int)((_length - kept) % _ring.Length);
        var first = Math.Min(kept, _ring.Length - start);
        _ring.AsSpan(start, first).CopyTo(tail);
        _ring.AsSpan(0, kept - first).CopyTo(tail.AsSpan(first));
        return Inspect(tail, _length, allowed);
    }

    /// <summary>Judge a ZIP by its central directory, given the last bytes of the file (<paramref name="tail"/>) and its whole length.</summary>
    public static Refusal? Inspect(ReadOnlySpan<byte> tail, long fileLength, IReadOnlyCollection<FileType> allowed)
    {
        var end = FindEndRecord(tail);
        if (end < 0)
        {
            return FileTypes.NotAllowed(allowed);
        }

        var record = tail[end..];
        var disk = BinaryPrimitives.ReadUInt16LittleEndian(record[4..]);
        var directoryDisk = BinaryPrimitives.ReadUInt16LittleEndian(record[6..]);
        var entriesHere = BinaryPrimitives.ReadUInt16LittleEndian(record[8..]);
        var entries = BinaryPrimitives.ReadUInt16LittleEndian(record[10..]);
        var directorySize = BinaryPrimitives.ReadUInt32LittleEndian(record[12..]);
        var directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(record[16..]);
        var endOffset = fileLength - (tail.Length - end);
        if (disk != 0 || directoryDisk != 0 || entriesHere != entries || entries == ushort.MaxValue
            || directorySize > MaxDirectoryBytes || directoryOffset + (long)directorySize != endOffset || directorySize > end)
        {
            return FileTypes.NotAllowed(allowed);
        }

        var directory = tail[(end - (int)directorySize)..end];
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var unpacked = 0L;
        Refusal? found = null;
        var at = 0;
        for (var i = 0; i < entries; i++)
        {
            if (directory.Length - at < EntryHeaderBytes || !directory[at..].StartsWith("PK\u0001\u0002"u8))
            {
                return FileTypes.NotAllowed(allowed);
            }

            var header = directory[at..];
            var compressed = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[30..]);
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(header[32..]);
            var next = at + EntryHeaderBytes + nameLength + extraLength + commentLength;
            if (next > directory.Length || compressed == uint.MaxValue || size == uint.MaxValue)
            {
                return FileTypes.NotAllowed(allowed);
            }

            var name = header.Slice(EntryHeaderBytes, nameLength);
            unpacked += size;
            found ??= CheckName(name, names) ?? CheckMacros(name);
            at = next;
        }

        if (at != directory.Length)
        {
            return FileTypes.NotAllowed(allowed);
        }

        return found ?? (unpacked > MaxUnpackedBytes ? ContentChecks.ZipUnpackedTooLarge(unpacked) : null);
    }

    /// <summary>The end-of-central-directory record: its signature where its comment runs exactly to the end of the file.</summary>
    private static int FindEndRecord(ReadOnlySpan<byte> tail)
    {
        for (var i = tail.Length - EndRecordBytes; i >= 0 && i >= tail.Length - EndRecordBytes - ushort.MaxValue; i--)
        {
            if (tail[i..].StartsWith("PK\u0005\u0006"u8) && BinaryPrimitives.ReadUInt16LittleEndian(tail[(i + 20)..]) == tail.Length - i - EndRecordBytes)
            {
                return i;
            }
        }

        return -1;
    }

    private static Refusal? CheckName(ReadOnlySpan<byte> name, HashSet<string> seen)
    {
        var shown = ContentChecks.Shown(name);
        var bad = name.IsEmpty
            || name[0] is (byte)'/' or (byte)'\\'
            || name.IndexOfAny((byte)'\\', (byte)':') >= 0
            || name.ContainsAnyInRange((byte)0, (byte)0x1F)
            || name.Contains((byte)0x7F);
        if (!bad)
        {
            var parts = name.EndsWith("/"u8) ? name[..^1] : name;
            foreach (var range in parts.Split((byte)'/'))
            {
                var part = parts[range];
                if (part.IsEmpty || part.SequenceEqual("."u8) || part.SequenceEqual(".."u8))
                {
                    bad = true;
                    break;
                }
            }
        }

        return bad || !seen.Add(System.Text.Encoding.UTF8.GetString(name)) ? ContentChecks.ZipEntryName(shown) : null;
    }

    private static Refusal? CheckMacros(ReadOnlySpan<byte> name)
    {
        var lower = System.Text.Encoding.UTF8.GetString(name).ToLowerInvariant();
        var parts = lower.Split('/');
        return MacroFiles.Contains(parts[^1]) || parts[..^1].Any(MacroFolders.Contains)
            ? ContentChecks.OfficeMacros(ContentChecks.Shown(name))
            : null;
    }
}
