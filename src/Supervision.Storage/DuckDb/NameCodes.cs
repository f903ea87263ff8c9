using System.Collections.Concurrent;
using DuckDB.NET.Data;

namespace Supervision.Storage.DuckDb;

/// <summary>
/// Integer codes for the repeated strings of the reports table (enterprise ids, kinds, subjects, attributes,
/// metrics): the table <c>names (code, name)</c> holds them and this class keeps them in memory (about 100 bytes
/// a name). A string column costs DuckDB statistics, dictionary and compression analysis on every value; an
/// integer column almost nothing. Codes are dense from 0 in order of first use and never change, so the file alone
/// says what they mean (the view <c>report_rows</c> shows reports with their names). <see cref="Code"/> is safe
/// from several threads; the rest is called under the store's lock.
/// </summary>
internal sealed class NameCodes
{
    private readonly ConcurrentDictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly Lock _gate = new();
    private int _stored;

    /// <summary>Reads the codes already in the file.</summary>
    public void Load(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT code, name FROM names ORDER BY code";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var code = reader.GetInt32(0);
            if (code != _names.Count)
            {
                throw new InvalidDataException($"names: code {code} follows code {_names.Count - 1}; codes must be dense from 0");
            }
            var name = reader.GetString(1);
            _names.Add(name);
            _codes[name] = code;
        }
        _stored = _names.Count;
    }

    /// <summary>The code of <paramref name="name"/>, assigning the next one if it has none (stored by <see cref="Store"/>).</summary>
    public int Code(string name)
    {
        if (_codes.TryGetValue(name, out var code))
        {
            return code;
        }
        lock (_gate)
        {
            if (!_codes.TryGetValue(name, out code))
            {
                code = _names.Count;
                _names.Add(name);
                _codes[name] = code;
            }
            return code;
        }
    }

    /// <summary>The code of a stored name, or false when <paramref name="name"/> was never stored.</summary>
    public bool TryGetCode(string name, out int code) => _codes.TryGetValue(name, out code) && code < _stored;

    /// <summary>The name of <paramref name="code"/> (under the store's lock, so no <see cref="Code"/> runs meanwhile).</summary>
    public string Name(int code) => _names[code];

    /// <summary>
    /// Stores the codes assigned since the last call, in a transaction of their own on <paramref name="connection"/>
    /// (which must have none open): rows that use them are committed only after them, so every code in the reports
    /// table has its name. On failure they stay assigned and the next call stores them.
    /// </summary>
    public void Store(DuckDBConnection connection)
    {
        int from, to;
        string[] pending;
        lock (_gate)
        {
            (from, to) = (_stored, _names.Count);
            pending = [.. _names.GetRange(from, to - from)];
        }
        if (pending.Length == 0)
        {
            return;
        }
        using var transaction = connection.BeginTransaction();
        using (var appender = connection.CreateAppender("names"))
        {
            for (var i = 0; i < pending.Length; i++)
            {
                appender.CreateRow().AppendValue(from + i).AppendValue(pending[i]).EndRow();
            }
        }
        transaction.Commit();
        _stored = to;
    }
}
