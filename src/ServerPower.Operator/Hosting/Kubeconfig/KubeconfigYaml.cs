using System.Globalization;
using System.Text;

namespace ServerPower.Operator.Hosting.Kubeconfig;

/// <summary>
/// The part of YAML that kubectl, client-go and cluster tools (kind, k3s, minikube, cloud CLIs) write into kubeconfig
/// files, read into a <see cref="KubeconfigNode"/> tree: block mappings and lists (a list may sit at its key's
/// indentation, as kubectl writes it), plain, single- and double-quoted scalars (escapes, lines folded), null
/// (<c>null</c>, <c>~</c>, nothing), flow collections on one line (<c>{}</c>, <c>[]</c>, <c>["a", "b"]</c>,
/// <c>{name: c, cluster: {server: x}}</c>), <c>|</c> and <c>&gt;</c> block scalars, comments and one leading
/// <c>---</c>. Anchors, aliases, tags, complex keys, directives, several documents and tabs as indentation are
/// refused with the line they are on.
/// </summary>
public sealed class KubeconfigYaml
{
    private readonly string file;
    private readonly List<Line> lines;
    private int pos;

    private KubeconfigYaml(string file, string text)
    {
        this.file = file;
        lines = [.. text.TrimStart('\uFEFF').Split('\n').Select((raw, i) => Line.Of(i + 1, raw.TrimEnd('\r')))];
    }

    /// <summary>The file's one document; null when it holds nothing but comments.</summary>
    public static KubeconfigNode? Parse(string text, string file) => new KubeconfigYaml(file, text).Document();

    private KubeconfigNode? Document()
    {
        SkipBlank();
        if (AtEnd) return null;
        if (Current.Text.StartsWith('%')) throw Error(Current.Number, "directives (%YAML, %TAG) are not supported");
        if (IsMarker(Current, "---"))
        {
            if (!IsCommentOrEmpty(Current.Text[3..])) throw Error(Current.Number, "content on the --- line is not supported");
            pos++;
            SkipBlank();
            if (AtEnd) return null;
        }
        var root = NodeAt(Current.Indent);
        SkipBlank();
        if (!AtEnd && IsMarker(Current, "..."))
        {
            pos++;
            SkipBlank();
        }
        if (AtEnd) return root;
        if (IsMarker(Current, "---")) throw Error(Current.Number, "several documents in one file are not supported");
        throw Error(Current.Number, "unexpected indentation");
    }

    /// <summary>A mapping, a list or a scalar starting on the current line, at <paramref name="indent"/>.</summary>
    private KubeconfigNode NodeAt(int indent)
    {
        var line = Current;
        CheckIndentation(line);
        if (IsSequenceItem(line.Text)) return Sequence(indent);
        if (SplitKey(line) is not null) return Mapping(indent);
        pos++;
        return Inline(line.Text, line, indent);
    }

    private KubeconfigMapping Mapping(int indent)
    {
        var first = Current.Number;
        var entries = new Dictionary<string, KubeconfigNode>();
        while (true)
        {
            SkipBlank();
            if (AtEnd || Current.Indent < indent || (indent == 0 && (IsMarker(Current, "---") || IsMarker(Current, "...")))) break;
            var line = Current;
            CheckIndentation(line);
            if (line.Indent > indent) throw Error(line.Number, "unexpected indentation");
            if (IsSequenceItem(line.Text)) throw Error(line.Number, "a list item where a key was expected");
            var (key, rest) = SplitKey(line) ?? throw Error(line.Number, "expected \"key: value\"");
            if (entries.ContainsKey(key)) throw Error(line.Number, $"the key \"{key}\" appears twice in one mapping");
            pos++;
            entries[key] = IsCommentOrEmpty(rest) ? Block(line, indent, sequenceAtSameIndent: true) : Inline(rest, line, indent);
        }
        return new KubeconfigMapping(first, entries);
    }

    private KubeconfigSequence Sequence(int indent)
    {
        var first = Current.Number;
        var items = new List<KubeconfigNode>();
        while (true)
        {
            SkipBlank();
            if (AtEnd || Current.Indent < indent) break;
            var line = Current;
            CheckIndentation(line);
            if (line.Indent > indent) throw Error(line.Number, "unexpected indentation");
            if (!IsSequenceItem(line.Text)) break; // the next key of the mapping this list is the value of
            var rest = line.Text[1..].TrimStart(' ', '\t');
            if (IsCommentOrEmpty(rest))
            {
                pos++;
                items.Add(Block(line, indent, sequenceAtSameIndent: false));
                continue;
            }
            var nested = line with { Indent = line.Indent + (line.Text.Length - rest.Length), Text = rest };
            if (IsSequenceItem(rest) || SplitKey(nested) is not null)
            {
                lines[pos] = nested; // "- name: x" then indented keys: a mapping at the column of "name"
                items.Add(NodeAt(nested.Indent));
                continue;
            }
            pos++;
            items.Add(Inline(rest, line, indent));
        }
        return new KubeconfigSequence(first, items);
    }

    /// <summary>The value of "key:" with nothing after it: the more indented lines below, else null.</summary>
    private KubeconfigNode Block(Line owner, int indent, bool sequenceAtSameIndent)
    {
        SkipBlank();
        if (AtEnd) return new KubeconfigScalar(owner.Number, null);
        if (Current.Indent > indent) return NodeAt(Current.Indent);
        if (sequenceAtSameIndent && Current.Indent == indent && IsSequenceItem(Current.Text)) return Sequence(indent);
        return new KubeconfigScalar(owner.Number, null);
    }

    /// <summary>A value that starts on its key's (or dash's) line; continuation lines are more indented than <paramref name="indent"/>.</summary>
    private KubeconfigNode Inline(string text, Line line, int indent)
    {
        switch (text[0])
        {
            case '&': throw Error(line.Number, "anchors are not supported");
            case '*': throw Error(line.Number, "aliases are not supported");
            case '!': throw Error(line.Number, "tags are not supported");
            case '|' or '>': return BlockScalar(text, line, indent);
            case '[' or '{':
                var flow = new FlowReader(text, line.Number, this);
                var node = flow.Node();
                flow.End();
                return node;
            case '"' or '\'': return new KubeconfigScalar(line.Number, Quoted(text, line, indent));
            case '?' when text.Length == 1 || text[1] == ' ': throw Error(line.Number, "complex keys (?) are not supported");
            case '@' or '`': throw Error(line.Number, $"a plain value cannot start with {text[0]}");
            case '-' when text.Length == 1 || text[1] == ' ': throw Error(line.Number, "a list item cannot follow a key on its line");
        }
        var value = new StringBuilder(PlainPart(text, line));
        var breaks = 0;
        for (var next = pos; next < lines.Count; next++)
        {
            var candidate = lines[next];
            if (candidate.Text.Length == 0) { breaks++; continue; }
            if (candidate.Indent <= indent || candidate.Text.StartsWith('#')) break;
            CheckIndentation(candidate);
            value.Append(breaks == 0 ? " " : new string('\n', breaks)).Append(PlainPart(candidate.Text, candidate));
            breaks = 0;
            pos = next + 1;
        }
        return new KubeconfigScalar(line.Number, NullOrText(value.ToString()));
    }

    private string PlainPart(string text, Line line)
    {
        var comment = text.IndexOf(" #", StringComparison.Ordinal);
        var value = (comment < 0 ? text : text[..comment]).Trim(' ', '\t');
        if (value.Contains(": ", StringComparison.Ordinal) || value.EndsWith(':'))
            throw Error(line.Number, "a key where a value was expected (check the indentation)");
        return value;
    }

    private static string? NullOrText(string value) => value is "" or "~" or "null" or "Null" or "NULL" ? null : value;

    /// <summary>A quoted scalar, which may go on over the next lines (folded: a line break is a space, an empty line a newline).</summary>
    private string Quoted(string text, Line line, int indent)
    {
        var quote = text[0];
        var value = new StringBuilder();
        var current = text;
        var currentLine = line;
        var escapedBreak = false;
        var i = 1;
        while (true)
        {
            if (i >= current.Length)
            {
                // The scalar goes on: trailing spaces dropped, the break folded (an escaped break joins directly).
                if (!escapedBreak) while (value.Length > 0 && value[^1] is ' ' or '\t') value.Length--;
                var breaks = 0;
                while (pos < lines.Count && lines[pos].Text.Length == 0) { breaks++; pos++; } // in a quoted value, # is text
                if (pos >= lines.Count || lines[pos].Indent <= indent) throw Error(line.Number, "a quoted value is not closed");
                if (!escapedBreak) value.Append(breaks == 0 ? " " : new string('\n', breaks));
                currentLine = lines[pos++];
                current = currentLine.Text;
                escapedBreak = false;
                i = 0;
                continue;
            }
            var c = current[i];
            if (c == quote)
            {
                if (quote == '\'' && i + 1 < current.Length && current[i + 1] == '\'') { value.Append('\''); i += 2; continue; }
                if (!IsCommentOrEmpty(current[(i + 1)..].TrimStart(' ', '\t')) || (i + 1 < current.Length && current[i + 1] == '#'))
                    throw Error(currentLine.Number, "unexpected text after a quoted value");
                return value.ToString();
            }
            if (c == '\\' && quote == '"')
            {
                if (i + 1 >= current.Length) { escapedBreak = true; i++; continue; } // an escaped line break
                i = Escape(current, i + 1, value, currentLine.Number);
                continue;
            }
            value.Append(c);
            i++;
        }
    }

    /// <summary>Appends the escape at <paramref name="i"/> (after the backslash); returns the index after it.</summary>
    private int Escape(string text, int i, StringBuilder value, int line)
    {
        var c = text[i];
        switch (c)
        {
            case '0': value.Append('\0'); return i + 1;
            case 'a': value.Append('\a'); return i + 1;
            case 'b': value.Append('\b'); return i + 1;
            case 't' or '\t': value.Append('\t'); return i + 1;
            case 'n': value.Append('\n'); return i + 1;
            case 'v': value.Append('\v'); return i + 1;
            case 'f': value.Append('\f'); return i + 1;
            case 'r': value.Append('\r'); return i + 1;
            case 'e': value.Append('\u001b'); return i + 1;
            case ' ' or '"' or '/' or '\\': value.Append(c); return i + 1;
            case 'N': value.Append('\u0085'); return i + 1;
            case '_': value.Append('\u00a0'); return i + 1;
            case 'L': value.Append('\u2028'); return i + 1;
            case 'P': value.Append('\u2029'); return i + 1;
            case 'x': return Hex(text, i + 1, 2, value, line);
            case 'u': return Hex(text, i + 1, 4, value, line);
            case 'U': return Hex(text, i + 1, 8, value, line);
            default: throw Error(line, $"unknown escape \\{c} in a double-quoted value");
        }
    }

    private int Hex(string text, int start, int digits, StringBuilder value, int line)
    {
        if (start + digits > text.Length
            || !int.TryParse(text.AsSpan(start, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || code > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
            throw Error(line, "a bad \\x, \\u or \\U escape in a double-quoted value");
        value.Append(char.ConvertFromUtf32(code));
        return start + digits;
    }

    /// <summary>A | (literal) or > (folded) block scalar, with its - (strip) or + (keep) chomping indicator.</summary>
    private KubeconfigScalar BlockScalar(string header, Line line, int indent)
    {
        var literal = header[0] == '|';
        var chomping = ' ';
        var rest = header[1..];
        if (rest.Length > 0 && rest[0] is '-' or '+') { chomping = rest[0]; rest = rest[1..]; }
        if (rest.Length > 0 && char.IsAsciiDigit(rest[0])) throw Error(line.Number, "block scalar indentation indicators are not supported");
        if (!IsCommentOrEmpty(rest.TrimStart(' ', '\t')) || (rest.Length > 0 && rest[0] == '#'))
            throw Error(line.Number, "unexpected text after a block scalar indicator");

        var content = new List<string>();
        var contentIndent = -1;
        while (pos < lines.Count)
        {
            var candidate = lines[pos];
            if (candidate.Text.Length == 0) { content.Add(""); pos++; continue; } // in a block scalar, # is text
            if (contentIndent < 0)
            {
                if (candidate.Indent <= indent) break;
                CheckIndentation(candidate);
                contentIndent = candidate.Indent;
            }
            if (candidate.Indent < contentIndent) break;
            content.Add(candidate.Raw[contentIndent..]);
            pos++;
        }
        var trailing = 0;
        while (content.Count > 0 && content[^1].Trim(' ') == "") { content.RemoveAt(content.Count - 1); trailing++; }
        // Blank lines that end the block belong to what follows, not to the scalar, but their count matters for +.
        var text = literal ? string.Join('\n', content) : Fold(content);
        var value = chomping switch
        {
            '-' => text,
            '+' => text + new string('\n', (content.Count > 0 ? 1 : 0) + trailing),
            _ => content.Count > 0 ? text + "\n" : "",
        };
        return new KubeconfigScalar(line.Number, value);
    }

    /// <summary>Folding of a > scalar: lines joined by a space, an empty line is a newline, more indented lines keep theirs.</summary>
    private static string Fold(List<string> content)
    {
        var result = new StringBuilder();
        var blanks = 0;
        string? previous = null;
        foreach (var l in content)
        {
            if (l.Length == 0) { blanks++; continue; }
            if (previous is not null)
            {
                var moreIndented = l[0] is ' ' or '\t' || previous[0] is ' ' or '\t';
                result.Append(blanks > 0 ? new string('\n', blanks + (moreIndented ? 1 : 0)) : moreIndented ? "\n" : " ");
            }
            result.Append(l);
            blanks = 0;
            previous = l;
        }
        return result.ToString();
    }

    /// <summary>"key: rest" or "key:" on a line (a plain or quoted key); null when the line is not a key.</summary>
    private (string Key, string Value)? SplitKey(Line line)
    {
        var text = line.Text;
        if (text.Length == 0) return null;
        switch (text[0])
        {
            case '&': throw Error(line.Number, "anchors are not supported");
            case '*': throw Error(line.Number, "aliases are not supported");
            case '!': throw Error(line.Number, "tags are not supported");
            case '?' when text.Length == 1 || text[1] == ' ': throw Error(line.Number, "complex keys (?) are not supported");
            case '[' or '{' or '|' or '>' or '#': return null;
        }
        if (text[0] is '"' or '\'')
        {
            var quote = text[0];
            var key = new StringBuilder();
            for (var i = 1; i < text.Length; i++)
            {
                if (text[i] == quote)
                {
                    if (quote == '\'' && i + 1 < text.Length && text[i + 1] == '\'') { key.Append('\''); i++; continue; }
                    var after = text[(i + 1)..].TrimStart(' ');
                    return after.StartsWith(':') && (after.Length == 1 || after[1] is ' ' or '\t') ? (key.ToString(), after[1..].TrimStart(' ', '\t')) : null;
                }
                if (text[i] == '\\' && quote == '"' && i + 1 < text.Length) { i = Escape(text, i + 1, key, line.Number) - 1; continue; }
                key.Append(text[i]);
            }
            return null;
        }
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '#' && i > 0 && text[i - 1] is ' ' or '\t') return null;
            if (text[i] == ':' && (i + 1 == text.Length || text[i + 1] is ' ' or '\t'))
                return (text[..i].TrimEnd(' ', '\t'), text[(i + 1)..].TrimStart(' ', '\t'));
        }
        return null;
    }

    private void CheckIndentation(Line line)
    {
        if (line.Tabbed) throw Error(line.Number, "tabs are not supported for indentation");
    }

    private void SkipBlank()
    {
        while (pos < lines.Count && lines[pos].Blank) pos++;
        if (pos < lines.Count) CheckIndentation(lines[pos]);
    }

    private bool AtEnd => pos >= lines.Count;

    private Line Current => lines[pos];

    private static bool IsSequenceItem(string text) => text.StartsWith('-') && (text.Length == 1 || text[1] is ' ' or '\t');

    private static bool IsMarker(Line line, string marker) =>
        line.Indent == 0 && line.Text.StartsWith(marker, StringComparison.Ordinal) && (line.Text.Length == 3 || line.Text[3] is ' ' or '\t');

    private static bool IsCommentOrEmpty(string rest) => rest.Trim(' ', '\t') is var trimmed && (trimmed.Length == 0 || trimmed[0] == '#');

    private FormatException Error(int line, string message) => new($"kubeconfig {file} line {line}: {message}");

    /// <summary>A line: its number, its indentation (spaces), its text after the indentation (comments kept).</summary>
    private sealed record Line(int Number, int Indent, string Text, string Raw, bool Blank, bool Tabbed)
    {
        public static Line Of(int number, string raw)
        {
            var indent = 0;
            while (indent < raw.Length && raw[indent] is ' ' or '\t') indent++;
            var text = raw[indent..];
            var blank = text.Length == 0 || text[0] == '#';
            var spaces = 0;
            while (spaces < raw.Length && raw[spaces] == ' ') spaces++;
            return new Line(number, indent, text, raw, blank, spaces < indent);
        }
    }

    /// <summary>A flow collection ({...}, [...]) that ends on its line, with scalars, and collections inside.</summary>
    private sealed class FlowReader(string text, int line, KubeconfigYaml yaml)
    {
        private int i;

        public KubeconfigNode Node()
        {
            SkipSpaces();
            if (i >= text.Length) throw yaml.Error(line, "a flow collection ({...} or [...]) must close on its line");
            switch (text[i])
            {
                case '[':
                    i++;
                    var items = new List<KubeconfigNode>();
                    while (true)
                    {
                        SkipSpaces();
                        if (Peek() == ']') { i++; return new KubeconfigSequence(line, items); }
                        items.Add(Node());
                        SkipSpaces();
                        if (Peek() == ',') { i++; continue; }
                        if (Peek() == ']') { i++; return new KubeconfigSequence(line, items); }
                        throw Unclosed();
                    }
                case '{':
                    i++;
                    var entries = new Dictionary<string, KubeconfigNode>();
                    while (true)
                    {
                        SkipSpaces();
                        if (Peek() == '}') { i++; return new KubeconfigMapping(line, entries); }
                        var key = Scalar(inMapping: true).Value ?? throw yaml.Error(line, "a null key in a flow mapping");
                        SkipSpaces();
                        KubeconfigNode value = new KubeconfigScalar(line, null);
                        if (Peek() == ':')
                        {
                            i++;
                            SkipSpaces();
                            if (Peek() is not (',' or '}')) value = Node();
                        }
                        if (!entries.TryAdd(key, value)) throw yaml.Error(line, $"the key \"{key}\" appears twice in one mapping");
                        SkipSpaces();
                        if (Peek() == ',') { i++; continue; }
                        if (Peek() == '}') { i++; return new KubeconfigMapping(line, entries); }
                        throw Unclosed();
                    }
                default:
                    return Scalar(inMapping: false);
            }
        }

        public void End()
        {
            SkipSpaces();
            if (i < text.Length && text[i] != '#') throw yaml.Error(line, "unexpected text after a flow collection");
        }

        private KubeconfigScalar Scalar(bool inMapping)
        {
            SkipSpaces();
            var c = Peek();
            switch (c)
            {
                case '&': throw yaml.Error(line, "anchors are not supported");
                case '*': throw yaml.Error(line, "aliases are not supported");
                case '!': throw yaml.Error(line, "tags are not supported");
                case '\0': throw Unclosed();
            }
            if (c is '"' or '\'')
            {
                var value = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length) throw yaml.Error(line, "a quoted value in a flow collection must close on its line");
                    if (text[i] == c)
                    {
                        if (c == '\'' && i + 1 < text.Length && text[i + 1] == '\'') { value.Append('\''); i += 2; continue; }
                        i++;
                        return new KubeconfigScalar(line, value.ToString());
                    }
                    if (text[i] == '\\' && c == '"' && i + 1 < text.Length) { i = yaml.Escape(text, i + 1, value, line); continue; }
                    value.Append(text[i++]);
                }
            }
            var start = i;
            while (i < text.Length)
            {
                var d = text[i];
                if (d is ',' or ']' or '}' or '[' or '{') break;
                if (d == ':' && (i + 1 == text.Length || text[i + 1] is ' ' or ',' or '}' or ']')) break;
                if (d == '#' && i > start && text[i - 1] == ' ') throw Unclosed();
                i++;
            }
            var plain = text[start..i].Trim(' ', '\t');
            if (plain.Length == 0 && !inMapping) throw yaml.Error(line, "an empty value in a flow collection");
            return new KubeconfigScalar(line, NullOrText(plain));
        }

        private char Peek() => i < text.Length ? text[i] : '\0';

        private void SkipSpaces()
        {
            while (i < text.Length && text[i] is ' ' or '\t') i++;
        }

        private FormatException Unclosed() => yaml.Error(line, "a flow collection ({...} or [...]) must close on its line");
    }
}
