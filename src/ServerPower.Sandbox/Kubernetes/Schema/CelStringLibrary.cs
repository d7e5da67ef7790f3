using System.Collections;
using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Cel;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>
/// The string functions Kubernetes adds to CEL (cel-go's strings extension and Kubernetes' regex library), on
/// code points like CEL. Regular expressions run on .NET's engine with a timeout, not RE2: the common syntax
/// agrees, exotic constructs may not.
/// </summary>
public static class CelStringLibrary
{
    private static readonly ConcurrentDictionary<string, Regex> Patterns = new();

    public static void Register(CelEnvironment env)
    {
        Type s = typeof(string), i = typeof(long), list = typeof(IList);
        env.RegisterFunction("lowerAscii", [s], a => Ascii(Str(a, 0), lower: true));
        env.RegisterFunction("upperAscii", [s], a => Ascii(Str(a, 0), lower: false));
        env.RegisterFunction("trim", [s], a => Str(a, 0).Trim());
        env.RegisterFunction("charAt", [s, i], a => CharAt(Runes(a, 0), Int(a, 1)));
        env.RegisterFunction("indexOf", [s, s], a => IndexOf(Runes(a, 0), Runes(a, 1), 0));
        env.RegisterFunction("indexOf", [s, s, i], a => IndexOf(Runes(a, 0), Runes(a, 1), Int(a, 2)));
        env.RegisterFunction("lastIndexOf", [s, s], a => LastIndexOf(Runes(a, 0), Runes(a, 1), null));
        env.RegisterFunction("lastIndexOf", [s, s, i], a => LastIndexOf(Runes(a, 0), Runes(a, 1), Int(a, 2)));
        env.RegisterFunction("substring", [s, i], a => Substring(Runes(a, 0), Int(a, 1), null));
        env.RegisterFunction("substring", [s, i, i], a => Substring(Runes(a, 0), Int(a, 1), Int(a, 2)));
        env.RegisterFunction("replace", [s, s, s], a => Replace(Str(a, 0), Str(a, 1), Str(a, 2), -1));
        env.RegisterFunction("replace", [s, s, s, i], a => Replace(Str(a, 0), Str(a, 1), Str(a, 2), Int(a, 3)));
        env.RegisterFunction("split", [s, s], a => Split(Str(a, 0), Str(a, 1), -1));
        env.RegisterFunction("split", [s, s, i], a => Split(Str(a, 0), Str(a, 1), Int(a, 2)));
        env.RegisterFunction("join", [list], a => Join((IList)a[0]!, ""));
        env.RegisterFunction("join", [list, s], a => Join((IList)a[0]!, Str(a, 1)));
        env.RegisterFunction("find", [s, s], a => Pattern(Str(a, 1)).Match(Str(a, 0)) is { Success: true } m ? m.Value : "");
        env.RegisterFunction("findAll", [s, s], a => FindAll(Str(a, 0), Str(a, 1), -1));
        env.RegisterFunction("findAll", [s, s, i], a => FindAll(Str(a, 0), Str(a, 1), Int(a, 2)));
    }

    public static bool Matches(string value, string pattern) => Pattern(pattern).IsMatch(value);

    private static Regex Pattern(string pattern) =>
        Patterns.GetOrAdd(pattern, p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));

    private static string Str(object?[] a, int n) => (string)a[n]!;
    private static long Int(object?[] a, int n) => (long)a[n]!;
    private static Rune[] Runes(object?[] a, int n) => Str(a, n).EnumerateRunes().ToArray();
    private static string Text(IEnumerable<Rune> runes) => string.Concat(runes.Select(r => r.ToString()));

    private static string Ascii(string value, bool lower) =>
        string.Create(value.Length, value, (span, v) =>
        {
            for (var k = 0; k < v.Length; k++)
            {
                span[k] = lower ? (char.IsAsciiLetterUpper(v[k]) ? (char)(v[k] + 32) : v[k])
                                : (char.IsAsciiLetterLower(v[k]) ? (char)(v[k] - 32) : v[k]);
            }
        });

    private static string CharAt(Rune[] value, long index)
    {
        if (index < 0 || index > value.Length) throw new CelArgumentRangeException($"index out of range: {index}");
        return index == value.Length ? "" : value[index].ToString();
    }

    private static long IndexOf(Rune[] value, Rune[] sub, long offset)
    {
        if (offset < 0 || offset > value.Length) throw new CelArgumentRangeException($"index out of range: {offset}");
        for (var k = (int)offset; k + sub.Length <= value.Length; k++)
        {
            if (value.AsSpan(k, sub.Length).SequenceEqual(sub)) return k;
        }
        return -1;
    }

    private static long LastIndexOf(Rune[] value, Rune[] sub, long? offset)
    {
        var start = offset ?? value.Length;
        if (start < 0 || start > value.Length) throw new CelArgumentRangeException($"index out of range: {start}");
        for (var k = (int)Math.Min(start, value.Length - sub.Length); k >= 0; k--)
        {
            if (value.AsSpan(k, sub.Length).SequenceEqual(sub)) return k;
        }
        return -1;
    }

    private static string Substring(Rune[] value, long start, long? end)
    {
        var stop = end ?? value.Length;
        if (start < 0 || start > value.Length) throw new CelArgumentRangeException($"index out of range: {start}");
        if (stop < start || stop > value.Length) throw new CelArgumentRangeException($"invalid substring range. start: {start}, end: {stop}");
        return Text(value[(int)start..(int)stop]);
    }

    private static string Replace(string value, string old, string replacement, long count)
    {
        if (count < 0) return value.Replace(old, replacement, StringComparison.Ordinal);
        var result = new StringBuilder();
        var pos = 0;
        for (var n = 0; n < count; n++)
        {
            var at = value.IndexOf(old, pos, StringComparison.Ordinal);
            if (at < 0) break;
            result.Append(value, pos, at - pos).Append(replacement);
            pos = at + Math.Max(old.Length, 1);
            if (old.Length == 0)
            {
                if (at >= value.Length) { pos = value.Length + 1; break; }
                result.Append(value[at]);
            }
        }
        return pos > value.Length ? result.ToString() : result.Append(value, pos, value.Length - pos).ToString();
    }

    private static object?[] Split(string value, string separator, long limit)
    {
        if (limit == 0) return [];
        if (separator.Length == 0)
        {
            var runes = value.EnumerateRunes().Select(r => (object?)r.ToString()).ToList();
            if (limit > 0 && runes.Count > limit)
            {
                var head = runes.Take((int)limit - 1).ToList();
                head.Add(Text(value.EnumerateRunes().Skip((int)limit - 1)));
                return [.. head];
            }
            return [.. runes];
        }
        var parts = limit < 0
            ? value.Split(separator)
            : value.Split(separator, (int)Math.Min(limit, int.MaxValue));
        return parts.Cast<object?>().ToArray();
    }

    private static string Join(IList items, string separator) =>
        string.Join(separator, items.Cast<object?>().Select(o => o as string ?? throw new CelNoSuchOverloadException("join: the list holds a value that is not a string")));

    private static object?[] FindAll(string value, string pattern, long limit)
    {
        if (limit == 0) return [];
        var matches = Pattern(pattern).Matches(value).Select(m => (object?)m.Value);
        return (limit < 0 ? matches : matches.Take((int)Math.Min(limit, int.MaxValue))).ToArray();
    }
}
