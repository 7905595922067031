using System.IO.Compression;

namespace QualityAward.Domain.Applications;

/// <summary>
/// A PDF checked as it streams in, for what would run when staff open it. Names are read as PDF
/// reads them — <c>#xx</c> escapes decoded (<c>/J#61vaScript</c> is <c>/JavaScript</c>), across
/// chunk boundaries, outside comments and strings — and the file is refused for
/// <c>/JavaScript</c>, <c>/JS</c> (so an <c>/OpenAction</c> or any action that runs a script),
/// <c>/Launch</c>, <c>/EmbeddedFile(s)</c>, <c>/AA</c> (actions run on open, close, focus…) and
/// <c>/RichMedia</c>. Stream data (page content, images, fonts) is not PDF syntax and is skipped,
/// except that the long names are still looked for in it (an object hidden in what looks like
/// stream data is caught) and object streams (<c>/Type /ObjStm</c>, where PDF 1.5 compresses
/// dictionaries) are inflated and read like the rest; one that cannot be read (an unknown filter,
/// encrypted, over <see cref="MaxObjectStreamBytes"/>, inflating past
/// <see cref="MaxInflatedBytes"/>) refuses the file. The first <see cref="HeadWindow"/> bytes must
/// hold no HTML markup: a PDF/HTML polyglot would open as a web page in a browser.
/// </summary>
public sealed class PdfContentCheck : IContentCheck
{
    /// <summary>How much of the start is looked at for HTML (browsers sniff about the first 512 bytes).</summary>
    public const int HeadWindow = 1024;

    /// <summary>The largest compressed object stream read (object streams hold dictionaries, a few KB to a few MB).</summary>
    public const int MaxObjectStreamBytes = 16 * 1024 * 1024;

    /// <summary>The most that all object streams of one file may inflate to.</summary>
    public const long MaxInflatedBytes = 256L * 1024 * 1024;

    private static readonly string[] HtmlMarkers =
        ["<html", "<script", "<!doctype", "<body", "<head", "<iframe", "<svg", "<object", "<embed", "<meta", "<style", "<img", "<form", "<link", "<base", "<title"];

    private readonly byte[] _head = new byte[HeadWindow];
    private readonly PdfLexer _lexer;
    private int _headLength;
    private bool _headChecked;
    private long _inflated;
    private Refusal? _refusal;

    public PdfContentCheck() => _lexer = new PdfLexer(this, readsStreams: true);

    public Refusal? Feed(ReadOnlySpan<byte> chunk)
    {
        if (_refusal is not null)
        {
            return _refusal;
        }

        if (!_headChecked)
        {
            var take = Math.Min(chunk.Length, HeadWindow - _headLength);
            chunk[..take].CopyTo(_head.AsSpan(_headLength));
            _headLength += take;
            if (_headLength == HeadWindow)
            {
                CheckHead();
            }
        }

        if (_refusal is null)
        {
            _lexer.Feed(chunk);
        }

        return _refusal;
    }

    public Refusal? Complete()
    {
        if (_refusal is null && !_headChecked)
        {
            CheckHead();
        }

        if (_refusal is null)
        {
            _lexer.Complete();
        }

        return _refusal;
    }

    internal bool Refused => _refusal is not null;

    internal void Refuse(Refusal refusal) => _refusal ??= refusal;

    /// <summary>An object stream's bytes as stored (less the keyword that ended them): inflate if flate-encoded, then read its objects.</summary>
    internal void ObjectStream(ReadOnlySpan<byte> stored, PdfLexer.StreamFilter filter)
    {
        switch (filter)
        {
            case PdfLexer.StreamFilter.Unreadable:
                Refuse(ContentChecks.PdfUninspectable("对象流使用了无法检查的编码或已加密"));
                return;
            case PdfLexer.StreamFilter.TooLarge:
                Refuse(ContentChecks.PdfUninspectable($"对象流超过{MaxObjectStreamBytes / (1024 * 1024)} MB"));
                return;
            case PdfLexer.StreamFilter.None:
                var plain = new PdfLexer(this, readsStreams: false);
                plain.Feed(stored);
                plain.Complete();
                return;
        }

        var copy = stored.ToArray();
        if (!Inflate(copy, raw: false) && !Refused)
        {
            // Some writers store raw deflate data without the zlib header; readers accept it, so must we.
            if (!Inflate(copy, raw: true) && !Refused)
            {
                Refuse(ContentChecks.PdfUninspectable("对象流无法解压，可能已加密或损坏"));
            }
        }
    }

    /// <summary>Inflate and read one object stream; false when the data is not (zlib or raw) deflate.</summary>
    private bool Inflate(byte[] data, bool raw)
    {
        var reader = new PdfLexer(this, readsStreams: false);
        var inflatedHere = 0L;
        try
        {
            using var source = new MemoryStream(data, writable: false);
            using Stream inflater = raw ? new DeflateStream(source, CompressionMode.Decompress) : new ZLibStream(source, CompressionMode.Decompress);
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = inflater.Read(buffer)) > 0)
            {
                inflatedHere += read;
                if (_inflated + inflatedHere > MaxInflatedBytes)
                {
                    Refuse(ContentChecks.PdfUninspectable($"对象流解压后超过{MaxInflatedBytes / (1024 * 1024)} MB"));
                    return true;
                }

                reader.Feed(buffer.AsSpan(0, read));
                if (Refused)
                {
                    return true;
                }
            }
        }
        catch (InvalidDataException)
        {
            return false;
        }

        if (inflatedHere == 0)
        {
            return false;
        }

        _inflated += inflatedHere;
        reader.Complete();
        return true;
    }

    private void CheckHead()
    {
        _headChecked = true;
        Span<byte> lower = stackalloc byte[_headLength];
        for (var i = 0; i < _headLength; i++)
        {
            var b = _head[i];
            lower[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;
        }

        foreach (var marker in HtmlMarkers)
        {
            var bytes = System.Text.Encoding.ASCII.GetBytes(marker);
            var rest = (ReadOnlySpan<byte>)lower;
            for (var at = rest.IndexOf(bytes); at >= 0; at = rest.IndexOf(bytes))
            {
                var next = at + bytes.Length;
                if (next >= rest.Length || !IsAsciiLetterOrDigit(rest[next]))
                {
                    Refuse(ContentChecks.Polyglot(marker + ">"));
                    return;
                }

                rest = rest[next..];
            }
        }
    }

    private static bool IsAsciiLetterOrDigit(byte b) => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9';
}

/// <summary>
/// Just enough of PDF's lexical rules to see its names: comments (<c>%</c> to the end of the
/// line), literal strings (balanced parentheses, backslash escapes), names (<c>/</c> and regular
/// characters, <c>#xx</c> escapes), words (keywords, numbers), and the data of a stream from the
/// <c>stream</c> keyword to <c>endstream</c> (or, malformed, <c>endobj</c>). It keeps its state
/// between chunks, so a name or keyword split across two reads is read whole.
/// </summary>
internal sealed class PdfLexer(PdfContentCheck owner, bool readsStreams)
{
    /// <summary>How an object stream's data is encoded, as far as the lexer saw.</summary>
    internal enum StreamFilter
    {
        None,
        Flate,
        Unreadable,
        TooLarge,
    }

    private enum Mode
    {
        Normal,
        Comment,
        LiteralString,
        Name,
        Word,
        StreamData,
    }

    /// <summary>The bytes in stream data that can begin something looked for: a name, or endstream/endobj.</summary>
    private static readonly System.Buffers.SearchValues<byte> StreamMarks = System.Buffers.SearchValues.Create("/e"u8);

    private static readonly byte[][] OtherFilters = [.. new[] { "LZWDecode", "LZW", "ASCII85Decode", "A85", "ASCIIHexDecode", "AHx", "RunLengthDecode", "RL", "CCITTFaxDecode", "CCF", "JBIG2Decode", "DCTDecode", "DCT", "JPXDecode", "Crypt" }.Select(System.Text.Encoding.ASCII.GetBytes)];

    private readonly NameReader _name = new();
    private readonly NameReader _hidden = new();
    private readonly byte[] _word = new byte[16];
    private readonly Matcher _endstream = new("endstream"u8.ToArray());
    private readonly Matcher _endobj = new("endobj"u8.ToArray());
    private Mode _mode;
    private int _depth;
    private bool _escape;
    private int _wordLength;
    private bool _hiddenOpen;

    // What the current object's dictionary said, up to its stream.
    private bool _objectStream;
    private bool _flate;
    private bool _otherFilter;

    private MemoryStream? _capture;
    private bool _captureTooLarge;
    private StreamFilter _captureFilter;

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        var i = 0;
        while (i < chunk.Length)
        {
            // Stream data is most of a PDF: between the bytes that can start a name or an end
            // keyword, with no keyword half matched and no name open, it is passed over in bulk.
            if (_mode == Mode.StreamData && _endstream.IsIdle && _endobj.IsIdle && !_hiddenOpen)
            {
                var rest = chunk[i..];
                var skip = rest.IndexOfAny(StreamMarks);
                var plain = skip < 0 ? rest.Length : skip;
                if (plain > 0)
                {
                    Capture(rest[..plain]);
                    i += plain;
                    continue;
                }
            }

            Step(chunk[i++]);
            if (owner.Refused)
            {
                return;
            }
        }
    }

    public void Complete()
    {
        switch (_mode)
        {
            case Mode.Name:
                EndName(_name.End());
                break;
            case Mode.Word:
                EndWord();
                break;
            case Mode.StreamData:
                if (_hiddenOpen)
                {
                    EndHidden();
                }

                EndStream(0);
                break;
        }

        _mode = Mode.Normal;
    }

    private void Step(byte b)
    {
        while (true)
        {
            switch (_mode)
            {
                case Mode.Normal:
                    if (b == '%')
                    {
                        _mode = Mode.Comment;
                    }
                    else if (b == '(')
                    {
                        _mode = Mode.LiteralString;
                        _depth = 1;
                        _escape = false;
                    }
                    else if (b == '/')
                    {
                        _mode = Mode.Name;
                        _name.Start();
                    }
                    else if (IsRegular(b))
                    {
                        _mode = Mode.Word;
                        _wordLength = 0;
                        AppendWord(b);
                    }

                    return;
                case Mode.Comment:
                    if (b is (byte)'\r' or (byte)'\n')
                    {
                        _mode = Mode.Normal;
                    }

                    return;
                case Mode.LiteralString:
                    if (_escape)
                    {
                        _escape = false;
                    }
                    else if (b == '\\')
                    {
                        _escape = true;
                    }
                    else if (b == '(')
                    {
                        _depth++;
                    }
                    else if (b == ')' && --_depth == 0)
                    {
                        _mode = Mode.Normal;
                    }

                    return;
                case Mode.Name:
                    if (_name.Take(b))
                    {
                        return;
                    }

                    EndName(_name.End());
                    _mode = Mode.Normal;
                    continue; // the byte that ended the name is read again as what it is
                case Mode.Word:
                    if (IsRegular(b))
                    {
                        AppendWord(b);
                        return;
                    }

                    if (EndWord())
                    {
                        return; // "stream": its end of line is consumed, the data follows
                    }

                    _mode = Mode.Normal;
                    continue;
                case Mode.StreamData:
                    StreamByte(b);
                    return;
            }
        }
    }

    private void EndName(ReadOnlySpan<byte> name)
    {
        if (Forbidden(name, longOnly: false) is { } refusal)
        {
            owner.Refuse(refusal);
            return;
        }

        if (name.SequenceEqual("ObjStm"u8))
        {
            _objectStream = true;
        }
        else if (name.SequenceEqual("FlateDecode"u8) || name.SequenceEqual("Fl"u8))
        {
            _flate = true;
        }
        else
        {
            foreach (var filter in OtherFilters)
            {
                if (name.SequenceEqual(filter))
                {
                    _otherFilter = true;
                }
            }
        }
    }

    /// <summary>A word ended. True when it was <c>stream</c> and stream data begins.</summary>
    private bool EndWord()
    {
        var word = _wordLength <= _word.Length ? _word.AsSpan(0, _wordLength) : [];
        if (word.SequenceEqual("obj"u8) || word.SequenceEqual("endobj"u8))
        {
            _objectStream = _flate = _otherFilter = false;
            return false;
        }

        if (!readsStreams || !word.SequenceEqual("stream"u8))
        {
            return false;
        }

        _mode = Mode.StreamData;
        _endstream.Reset();
        _endobj.Reset();
        _hiddenOpen = false;
        if (_objectStream)
        {
            _capture = new MemoryStream();
            _captureTooLarge = false;
            _captureFilter = _otherFilter ? StreamFilter.Unreadable : _flate ? StreamFilter.Flate : StreamFilter.None;
        }

        return true;
    }

    private void Capture(ReadOnlySpan<byte> data)
    {
        if (_capture is null || _captureTooLarge)
        {
            return;
        }

        if (_capture.Length + data.Length > PdfContentCheck.MaxObjectStreamBytes)
        {
            _captureTooLarge = true;
            return;
        }

        _capture.Write(data);
    }

    private void StreamByte(byte b)
    {
        Capture([b]);

        // Stream data is not PDF syntax; only the long names are looked for in it, so a dictionary
        // hidden where a reader going by /Length would find an object is still seen.
        if (_hiddenOpen && !_hidden.Take(b))
        {
            EndHidden();
        }

        if (!_hiddenOpen && b == '/')
        {
            _hidden.Start();
            _hiddenOpen = true;
        }

        if (_endstream.Step(b))
        {
            EndStream(_endstream.Length);
        }
        else if (_endobj.Step(b))
        {
            EndStream(_endobj.Length);
            _objectStream = _flate = _otherFilter = false;
        }
    }

    private void EndHidden()
    {
        _hiddenOpen = false;
        if (Forbidden(_hidden.End(), longOnly: true) is { } refusal)
        {
            owner.Refuse(refusal);
        }
    }

    private void EndStream(int keywordLength)
    {
        _mode = Mode.Normal;
        if (_capture is null)
        {
            return;
        }

        var capture = _capture;
        _capture = null;
        var filter = _captureTooLarge ? StreamFilter.TooLarge : _captureFilter;
        var stored = capture.GetBuffer().AsSpan(0, (int)capture.Length);
        owner.ObjectStream(stored[..Math.Max(0, stored.Length - keywordLength)], filter);
    }

    private void AppendWord(byte b)
    {
        if (_wordLength < _word.Length)
        {
            _word[_wordLength] = b;
        }

        _wordLength++;
    }

    /// <summary>The refusal for a name that makes a PDF active; the short ones (JS, AA) only where PDF syntax is read.</summary>
    private static Refusal? Forbidden(ReadOnlySpan<byte> name, bool longOnly)
    {
        string? what = name switch
        {
            _ when name.SequenceEqual("JavaScript"u8) => "JavaScript脚本",
            _ when name.SequenceEqual("Launch"u8) => "启动外部程序",
            _ when name.SequenceEqual("EmbeddedFile"u8) || name.SequenceEqual("EmbeddedFiles"u8) => "嵌入的文件",
            _ when name.SequenceEqual("RichMedia"u8) => "富媒体",
            _ when !longOnly && name.SequenceEqual("JS"u8) => "JavaScript脚本",
            _ when !longOnly && name.SequenceEqual("AA"u8) => "自动触发的动作",
            _ => null,
        };
        return what is null ? null : ContentChecks.PdfActive(what, System.Text.Encoding.ASCII.GetString(name));
    }

    internal static bool IsWhite(byte b) => b is 0 or 9 or 10 or 12 or 13 or 32;

    internal static bool IsDelimiter(byte b) => b is (byte)'(' or (byte)')' or (byte)'<' or (byte)'>' or (byte)'[' or (byte)']' or (byte)'{' or (byte)'}' or (byte)'/' or (byte)'%';

    private static bool IsRegular(byte b) => !IsWhite(b) && !IsDelimiter(b);

    /// <summary>A name being read: its bytes with <c>#xx</c> escapes decoded; a name longer than any looked for is kept as "too long".</summary>
    private sealed class NameReader
    {
        private readonly byte[] _bytes = new byte[32];
        private int _length;
        private int _hex;
        private byte _first;

        public void Start()
        {
            _length = 0;
            _hex = 0;
        }

        /// <summary>Take the next byte as part of the name; false when it ends the name (it is then not consumed).</summary>
        public bool Take(byte b)
        {
            if (_hex == 1)
            {
                _hex = 0;
                if (IsHex(b))
                {
                    _first = b;
                    _hex = 2;
                    return true;
                }

                Append((byte)'#');
            }
            else if (_hex == 2)
            {
                _hex = 0;
                if (IsHex(b))
                {
                    Append((byte)((HexValue(_first) << 4) | HexValue(b)));
                    return true;
                }

                Append((byte)'#');
                Append(_first);
            }

            if (IsWhite(b) || IsDelimiter(b))
            {
                return false;
            }

            if (b == '#')
            {
                _hex = 1;
                return true;
            }

            Append(b);
            return true;
        }

        /// <summary>The name read (empty when longer than any looked for).</summary>
        public ReadOnlySpan<byte> End()
        {
            if (_hex == 1)
            {
                Append((byte)'#');
            }
            else if (_hex == 2)
            {
                Append((byte)'#');
                Append(_first);
            }

            _hex = 0;
            return _length <= _bytes.Length ? _bytes.AsSpan(0, _length) : [];
        }

        private void Append(byte b)
        {
            if (_length < _bytes.Length)
            {
                _bytes[_length] = b;
            }

            _length++;
        }

        private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

        private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
    }

    /// <summary>Finds a fixed keyword in a stream of bytes, one byte at a time (Knuth–Morris–Pratt).</summary>
    private sealed class Matcher
    {
        private readonly byte[] _pattern;
        private readonly int[] _fallback;
        private int _matched;

        public Matcher(byte[] pattern)
        {
            _pattern = pattern;
            _fallback = new int[pattern.Length];
            for (int i = 1, k = 0; i < pattern.Length; i++)
            {
                while (k > 0 && pattern[i] != pattern[k])
                {
                    k = _fallback[k - 1];
                }

                if (pattern[i] == pattern[k])
                {
                    k++;
                }

                _fallback[i] = k;
            }
        }

        public int Length => _pattern.Length;

        public void Reset() => _matched = 0;

        /// <summary>No part of the keyword is matched so far.</summary>
        public bool IsIdle => _matched == 0;

        /// <summary>True when this byte completes the keyword.</summary>
        public bool Step(byte b)
        {
            while (_matched > 0 && b != _pattern[_matched])
            {
                _matched = _fallback[_matched - 1];
            }

            if (b == _pattern[_matched])
            {
                _matched++;
            }

            if (_matched < _pattern.Length)
            {
                return false;
            }

            _matched = 0;
            return true;
        }
    }
}
