using System.Text;
using System.Text.RegularExpressions;

namespace ServerPower.Api.Tests.Docs;

/// <summary>
/// Comments in src/ and tests/ (and every markdown page of the repository) cite only files of this repository that
/// exist: a path from the root (src/…, tests/…, crds/…, charts/…, config/…, .ci/…) must name a file or directory of
/// the checkout. A glob or placeholder (<c>crds/*.yaml</c>, <c>config/argocd/…/&lt;Kind&gt;/health.lua</c>) is checked
/// up to its first wildcard segment. A file named without its root (<c>Hosting/OperatorHost.cs</c>, <c>values.yaml</c>)
/// must be the end of some file's path in the checkout, so working notes kept outside it are named by title instead.
/// </summary>
public sealed partial class CitedPathTests
{
    private static readonly string[] CodeRoots = ["src", "tests"];

    [Fact]
    public void Every_path_a_comment_cites_exists()
    {
        var dangling = SourceFiles()
            .SelectMany(file => Cited(Comments(File.ReadAllText(file))).Select(path => (file, path)))
            .Concat(Readmes().SelectMany(file => Cited(File.ReadAllText(file)).Select(path => (file, path))))
            .Where(c => !Exists(c.path))
            .Select(c => $"{Path.GetRelativePath(RepositoryRoot.Path, c.file)} cites {c.path}")
            .Distinct()
            .ToList();
        Assert.True(dangling.Count == 0, "cited paths that do not exist:\n" + string.Join("\n", dangling));
    }

    [Fact]
    public void The_scanner_finds_citations_in_comments_and_not_in_code()
    {
        var text = """
            var url = "https://example.com/src/nothing.cs"; // see crds/missing.yaml, then .ci/sync-crds.sh.
            /* config/samples/ and <c>charts/x/values.yaml</c> */ var s = "tests/not-a-comment.cs";
            var raw = \"\"\"
                // src/inside-a-raw-string.cs
                \"\"\";
            """.Replace("\\\"", "\"", StringComparison.Ordinal);

        Assert.Equal(["crds/missing.yaml", ".ci/sync-crds.sh", "config/samples/", "charts/x/values.yaml"], Citations(Comments(text)));
        Assert.True(Exists("crds/*.yaml"));
        Assert.True(Exists("config/argocd/power.serverops.io/"));
        Assert.False(Exists("crds/missing.yaml"));
        Assert.Equal(["Hosting/OperatorHost.cs", "notes.txt"], FileNames("see `Hosting/OperatorHost.cs` and seed notes.txt, https://example.com/api.md, out-N.json"));
        Assert.True(Exists("Hosting/OperatorHost.cs"));
        Assert.False(Exists("notes.txt"));
    }

    private static IEnumerable<string> SourceFiles() =>
        CodeRoots.SelectMany(root => Directory.EnumerateFiles(RepositoryRoot.Combine(root), "*.cs", SearchOption.AllDirectories))
            .Where(IsSource);

    /// <summary>Every markdown page of the repository (the front page and the pages beside what they describe).</summary>
    private static IEnumerable<string> Readmes() => MarkdownLinks.Files(RepositoryRoot.Path);

    private static bool IsSource(string file)
    {
        var parts = Path.GetRelativePath(RepositoryRoot.Path, file).Split(Path.DirectorySeparatorChar);
        return !parts.Any(p => p is "bin" or "obj");
    }

    /// <summary>The root-relative paths in <paramref name="text"/>, trailing punctuation removed.</summary>
    private static List<string> Citations(string text) =>
        CitedPath().Matches(text).Select(m => m.Value.TrimEnd('.', ',', ':', ';', ')', '\'', '`')).ToList();

    private static IEnumerable<string> Cited(string text) => Citations(text).Concat(FileNames(text));

    /// <summary>
    /// File names with an extension the repository uses, not part of a URL or of a root-relative path, and not a
    /// pattern with a one-letter placeholder (<c>scale-N.json</c>, what a tool writes), and not under
    /// <c>TestResults/</c> (what a test run writes).
    /// </summary>
    private static List<string> FileNames(string text) =>
        FileName().Matches(text).Select(m => m.Value)
            .Where(name => !IsRootRelative(name) && !Placeholder().IsMatch(name) && !name.StartsWith("TestResults/", StringComparison.Ordinal))
            .ToList();

    private static bool IsRootRelative(string path) => CitedPath().Match(path) is { Success: true, Index: 0 };

    /// <summary>Every file of the checkout, root-relative with '/' (build output and tools left out).</summary>
    private static readonly Lazy<List<string>> Files = new(() =>
        Directory.EnumerateFiles(RepositoryRoot.Path, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryRoot.Path, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !f.Split('/').Any(p => p is "bin" or "obj" or ".git" or ".tools"))
            .ToList());

    /// <summary>Whether the path exists; a glob, placeholder or elision is checked up to its first such segment.</summary>
    private static bool Exists(string path)
    {
        if (!IsRootRelative(path)) return Files.Value.Any(f => f == path || f.EndsWith("/" + path, StringComparison.Ordinal));
        var segments = path.Split('/');
        var concrete = segments.TakeWhile(s => s.IndexOfAny(['*', '{', '…', '<']) < 0).ToArray();
        var full = RepositoryRoot.Combine(concrete);
        return File.Exists(full) || Directory.Exists(full);
    }

    /// <summary>The text of every comment in C# source (string, verbatim, raw and character literals skipped).</summary>
    private static string Comments(string source)
    {
        var comments = new StringBuilder();
        var i = 0;
        while (i < source.Length)
        {
            if (At(source, i, "//"))
            {
                var end = source.IndexOf('\n', i);
                end = end < 0 ? source.Length : end;
                comments.Append(source, i, end - i).Append('\n');
                i = end;
            }
            else if (At(source, i, "/*"))
            {
                var end = source.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? source.Length : end + 2;
                comments.Append(source, i, end - i).Append('\n');
                i = end;
            }
            else if (At(source, i, "\"\"\""))
            {
                var quotes = 0;
                while (i + quotes < source.Length && source[i + quotes] == '"') quotes++;
                var end = source.IndexOf(new string('"', quotes), i + quotes, StringComparison.Ordinal);
                i = end < 0 ? source.Length : end + quotes;
            }
            else if (source[i] == '"' || source[i] == '\'')
            {
                var verbatim = i > 0 && source[i - 1] == '@' || i > 1 && source[i - 2] == '@' && source[i - 1] == '$';
                i = SkipQuoted(source, i, verbatim);
            }
            else
            {
                i++;
            }
        }
        return comments.ToString();
    }

    private static int SkipQuoted(string source, int start, bool verbatim)
    {
        var quote = source[start];
        var i = start + 1;
        while (i < source.Length)
        {
            if (!verbatim && source[i] == '\\') i += 2;
            else if (verbatim && source[i] == quote && i + 1 < source.Length && source[i + 1] == quote) i += 2;
            else if (source[i] == quote) return i + 1;
            else if (!verbatim && source[i] == '\n') return i; // an unterminated literal ends at the line
            else i++;
        }
        return i;
    }

    private static bool At(string text, int index, string token) =>
        string.CompareOrdinal(text, index, token, 0, token.Length) == 0;

    [GeneratedRegex(@"(?<![\w./-])(?:src|tests|crds|charts|config|\.ci)/[\w.\-/*{}…]*")]
    private static partial Regex CitedPath();

    [GeneratedRegex(@"(?<![\w./:*…-])[\w-]+(?:[./][\w-]+)*\.(?:cs|csproj|sln|props|md|txt|yaml|yml|json|sh|lua|tpl)\b(?![\w/-])")]
    private static partial Regex FileName();

    [GeneratedRegex(@"(?:^|[-_./])[A-Z](?:[-_.]|$)")]
    private static partial Regex Placeholder();
}
