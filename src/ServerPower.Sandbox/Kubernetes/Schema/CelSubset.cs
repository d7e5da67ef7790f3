using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ServerPower.Sandbox.Kubernetes.Api;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>
/// A tiny subset of CEL for x-kubernetes-validations: <c>has(self.a.b)</c>, <c>self.a == 'x'</c>,
/// <c>self.a != 'x'</c>, <c>self.a in ['x','y']</c>, <c>!</c>, <c>&amp;&amp;</c>, <c>||</c>, parentheses,
/// string/number/boolean literals. A rule outside this subset (or using oldSelf) is skipped, never failed:
/// there is no CEL engine here.
/// </summary>
public static partial class CelSubset
{
    public static void Validate(JsonNode? value, JsonObject schema, string path, List<FieldError> errors)
    {
        if (schema["x-kubernetes-validations"] is not JsonArray rules)
        {
            return;
        }
        foreach (var rule in rules.OfType<JsonObject>())
        {
            var text = rule["rule"]?.ToString();
            if (text is null || text.Contains("oldSelf", StringComparison.Ordinal))
            {
                continue;
            }
            bool? ok;
            try
            {
                ok = new Parser(Tokenize(text), value).ParseExpression() is bool b ? b : null;
            }
            catch (FormatException)
            {
                ok = null;
            }
            if (ok == false)
            {
                var message = rule["message"]?.ToString() ?? $"failed rule: {text}";
                var field = rule["fieldPath"]?.ToString() is { } fp ? path + fp : path;
                errors.Add(new FieldError(field, "FieldValueInvalid", $"Invalid value: \"{JsonKinds.TypeName(value)}\": {message}"));
            }
        }
    }

    [GeneratedRegex("""\s*(has\(|size\(|self(?:\.[A-Za-z_][A-Za-z0-9_]*)*|'[^']*'|"[^"]*"|-?\d+(?:\.\d+)?|true|false|&&|\|\||==|!=|\bin\b|[!()\[\],])""")]
    private static partial Regex TokenPattern();

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var pos = 0;
        while (pos < text.Length)
        {
            if (char.IsWhiteSpace(text[pos])) { pos++; continue; }
            var m = TokenPattern().Match(text, pos);
            if (!m.Success || m.Index != pos && text[pos..m.Index].Trim().Length > 0)
            {
                throw new FormatException();
            }
            tokens.Add(m.Groups[1].Value);
            pos = m.Index + m.Length;
        }
        return tokens;
    }

    private sealed class Parser(List<string> tokens, JsonNode? self)
    {
        private int pos;

        private string? Peek => pos < tokens.Count ? tokens[pos] : null;
        private string Next() => pos < tokens.Count ? tokens[pos++] : throw new FormatException();
        private void Expect(string t) { if (Next() != t) throw new FormatException(); }

        public object? ParseExpression()
        {
            var result = ParseOr();
            if (pos != tokens.Count) throw new FormatException();
            return result;
        }

        private object? ParseOr()
        {
            var left = ParseAnd();
            while (Peek == "||") { Next(); var right = ParseAnd(); left = AsBool(left) || AsBool(right); }
            return left;
        }

        private object? ParseAnd()
        {
            var left = ParseUnary();
            while (Peek == "&&") { Next(); var right = ParseUnary(); left = AsBool(left) && AsBool(right); }
            return left;
        }

        private object? ParseUnary()
        {
            if (Peek == "!") { Next(); return !AsBool(ParseUnary()); }
            var left = ParsePrimary();
            switch (Peek)
            {
                case "==": Next(); return Equal(left, ParsePrimary());
                case "!=": Next(); return !Equal(left, ParsePrimary());
                case "in":
                    Next();
                    return ParsePrimary() is List<object?> list ? list.Any(i => Equal(left, i)) : throw new FormatException();
                default: return left;
            }
        }

        private object? ParsePrimary()
        {
            var t = Next();
            switch (t)
            {
                case "(":
                    var inner = ParseOr();
                    Expect(")");
                    return inner;
                case "has(":
                    var path = Next();
                    Expect(")");
                    return path.StartsWith("self.", StringComparison.Ordinal) ? Resolve(path, out var found) is var _ && found : throw new FormatException();
                case "size(":
                    var target = Resolve(Next(), out _);
                    Expect(")");
                    return target switch { JsonArray a => (double)a.Count, JsonObject o => o.Count, JsonValue v => (double)v.ToString().Length, _ => throw new FormatException() };
                case "[":
                    var items = new List<object?>();
                    while (Peek != "]") { items.Add(ParsePrimary()); if (Peek == ",") Next(); }
                    Next();
                    return items;
                case "true": return true;
                case "false": return false;
            }
            if (t.StartsWith('\'') || t.StartsWith('"')) return t[1..^1];
            if (t.StartsWith("self", StringComparison.Ordinal))
            {
                var node = Resolve(t, out var exists);
                if (!exists) throw new FormatException();
                return node switch
                {
                    JsonValue v when JsonKinds.TypeName(v) == "string" => v.GetValue<string>(),
                    JsonValue v when JsonKinds.TypeName(v) is "integer" or "number" => JsonKinds.Number(v),
                    JsonValue v when JsonKinds.TypeName(v) == "boolean" => v.GetValue<bool>(),
                    _ => throw new FormatException(),
                };
            }
            return double.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : throw new FormatException();
        }

        private JsonNode? Resolve(string path, out bool exists)
        {
            var node = self;
            exists = true;
            foreach (var part in path.Split('.').Skip(1))
            {
                if (node is not JsonObject o || !o.ContainsKey(part)) { exists = false; return null; }
                node = o[part];
            }
            return node;
        }

        private static bool AsBool(object? v) => v is bool b ? b : throw new FormatException();
        private static bool Equal(object? a, object? b) => Equals(a, b);
    }
}
