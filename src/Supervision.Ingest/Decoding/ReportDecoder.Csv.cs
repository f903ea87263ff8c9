using System.Text;
using Supervision.Ingest.Validation;

namespace Supervision.Ingest.Decoding;

public sealed partial class ReportDecoder
{
    /// <summary>The field a CSV rejection names when the row's shape is at fault (its message gives the cell counts).</summary>
    public const string WholeRow = "row";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// CSV (RFC 4180) with a header row: envelope fields as columns, payload fields as <c>payload.&lt;name&gt;</c>.
    /// An empty cell is an absent field, so one file can mix kinds. A bad header makes the body unreadable; a bad
    /// row rejects that record only.
    /// </summary>
    public DecodeResult DecodeCsv(ReadOnlySpan<byte> body)
    {
        _now = _validator.Now;
        var result = new DecodeResult();
        if (body.StartsWith(ByteOrderMark))
        {
            body = body[ByteOrderMark.Length..];
        }
        var parser = new CsvParser(body);
        var header = new List<string>();
        if (!parser.NextRow(header, out var headerFault) || headerFault is not null)
        {
            result.BodyError = headerFault is { } f ? $"header row (line 1), column {f.Cell + 1}: {f.Message}" : "body is empty; send a header row and one row per report";
            return result;
        }
        var columns = new Column[header.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < header.Count; c++)
        {
            var name = header[c].Trim();
            if (!seen.Add(name))
            {
                result.BodyError = $"header column {c + 1} '{name}' appears more than once";
                return result;
            }
            columns[c] = Column.Create(name);
        }

        var raw = new RawRecord();
        var errors = new List<FieldError>();
        var cells = new List<string>();
        var index = 0;
        while (true)
        {
            var line = parser.Line;
            if (!parser.NextRow(cells, out var fault))
            {
                break;
            }
            if (fault is { } f)
            {
                // A cell past the header's last column has no name: the row is at fault.
                var field = f.Cell < columns.Length ? columns[f.Cell].Path : WholeRow;
                result.Rejected.Add(new RecordError(index, null, [new FieldError(field, $"line {line}, column {f.Cell + 1}: {f.Message}")]));
            }
            else if (cells.Count == 1 && cells[0].Length == 0)
            {
                continue;
            }
            else if (cells.Count != columns.Length)
            {
                result.Rejected.Add(new RecordError(index, null,
                    [new FieldError(WholeRow, $"row {index + 1} (line {line}) has {cells.Count} cells, expected {columns.Length} as in the header row")]));
            }
            else
            {
                raw.Clear();
                for (var c = 0; c < columns.Length; c++)
                {
                    columns[c].Apply(raw, cells[c]);
                }
                Validate(raw, index, errors, result);
            }
            index++;
        }
        result.Total = index;
        return result;
    }

    /// <summary>Where a CSV or Arrow column goes in a <see cref="RawRecord"/>.</summary>
    internal readonly record struct Column(int Header, string? PayloadName, string? ExtraName)
    {
        public static string[] HeaderNames => RawRecord.HeaderNames;

        /// <summary>An envelope field, a <c>payload.&lt;name&gt;</c> field, or an extra column a profile may map.</summary>
        public static Column Create(string name)
        {
            var header = Array.IndexOf(HeaderNames, name);
            if (header >= 0)
            {
                return new Column(header, null, null);
            }
            return name.StartsWith("payload.", StringComparison.Ordinal) && name.Length > 8
                ? new Column(-1, name[8..], null)
                : new Column(-1, null, name);
        }

        /// <summary>The list a non-header value goes to.</summary>
        public List<RawField> Target(RawRecord raw) => ExtraName is null ? raw.Payload : raw.Extra;

        /// <summary>The field name within <see cref="Target"/>.</summary>
        public string Name => PayloadName ?? ExtraName ?? HeaderNames[Header];

        /// <summary>The field as errors name it: <c>kind</c>, <c>payload.deviceId</c>, or the extra column's name.</summary>
        public string Path => PayloadName is not null ? "payload." + PayloadName : Name;

        public bool IsHeader => Header >= 0;

        /// <summary>Puts a text cell in place; an empty cell is an absent field.</summary>
        public void Apply(RawRecord raw, string cell)
        {
            if (IsHeader)
            {
                SetHeader(raw, cell.Length == 0 ? null : cell);
                return;
            }
            raw.HasPayload |= PayloadName is not null;
            if (cell.Length > 0)
            {
                Target(raw).Add(new RawField(Name, RawValueKind.Text, cell, 0));
            }
        }

        public void SetHeader(RawRecord raw, string? value) => raw.SetHeader(Header, value);
    }

    /// <summary>What is wrong with a CSV row: the 0-based cell where it first went wrong and how.</summary>
    private readonly record struct CsvFault(int Cell, string Message);

    /// <summary>RFC 4180 rows over UTF-8 bytes: quoted cells, doubled quotes, CRLF or LF.</summary>
    private ref struct CsvParser(ReadOnlySpan<byte> body)
    {
        private readonly ReadOnlySpan<byte> _body = body;
        private int _position;

        /// <summary>1-based line where the next row starts.</summary>
        public int Line { get; private set; } = 1;

        /// <summary>
        /// Reads the next row into <paramref name="cells"/>; false at the end. A malformed row sets
        /// <paramref name="fault"/> to its first bad cell; the rest of the row is still consumed.
        /// </summary>
        public bool NextRow(List<string> cells, out CsvFault? fault)
        {
            cells.Clear();
            fault = null;
            if (_position >= _body.Length)
            {
                return false;
            }
            while (true)
            {
                if (_position < _body.Length && _body[_position] == '"')
                {
                    _position++;
                    var closed = false;
                    var pieces = new List<byte>();
                    while (_position < _body.Length)
                    {
                        var b = _body[_position];
                        if (b == '"')
                        {
                            if (_position + 1 < _body.Length && _body[_position + 1] == '"')
                            {
                                pieces.Add((byte)'"');
                                _position += 2;
                                continue;
                            }
                            _position++;
                            closed = true;
                            break;
                        }
                        if (b == '\n')
                        {
                            Line++;
                        }
                        pieces.Add(b);
                        _position++;
                    }
                    if (!closed)
                    {
                        fault ??= new CsvFault(cells.Count, "a quoted cell is not closed");
                        _position = _body.Length;
                        return true;
                    }
                    AddCell(cells, [.. pieces], ref fault);
                    if (_position < _body.Length && _body[_position] is not ((byte)',' or (byte)'\r' or (byte)'\n'))
                    {
                        fault ??= new CsvFault(cells.Count - 1, "unexpected character after a closing quote");
                        SkipRow();
                        return true;
                    }
                }
                else
                {
                    var end = _position;
                    while (end < _body.Length && _body[end] is not ((byte)',' or (byte)'\n' or (byte)'\r'))
                    {
                        if (_body[end] == '"')
                        {
                            fault ??= new CsvFault(cells.Count, "a quote inside an unquoted cell (quote the cell and double the quote)");
                        }
                        end++;
                    }
                    AddCell(cells, _body[_position..end], ref fault);
                    _position = end;
                }
                if (_position >= _body.Length)
                {
                    return true;
                }
                var separator = _body[_position++];
                if (separator == ',')
                {
                    continue;
                }
                if (separator == '\r' && _position < _body.Length && _body[_position] == '\n')
                {
                    _position++;
                }
                Line++;
                return true;
            }
        }

        private static void AddCell(List<string> cells, ReadOnlySpan<byte> bytes, ref CsvFault? fault)
        {
            try
            {
                cells.Add(StrictUtf8.GetString(bytes));
            }
            catch (DecoderFallbackException)
            {
                fault ??= new CsvFault(cells.Count, "not valid UTF-8");
                cells.Add("");
            }
        }

        /// <summary>Skips to the start of the next line; false at the end.</summary>
        public bool SkipRow()
        {
            var next = _body[_position..].IndexOf((byte)'\n');
            if (next < 0)
            {
                _position = _body.Length;
                return false;
            }
            _position += next + 1;
            Line++;
            return _position < _body.Length;
        }
    }
}
