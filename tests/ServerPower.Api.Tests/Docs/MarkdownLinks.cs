using Markdig;
using Markdig.Extensions.AutoIdentifiers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace ServerPower.Api.Tests.Docs;

/// <summary>
/// The relative links of the markdown files under a folder that point nowhere: a file that does not exist, or an
/// <c>#anchor</c> that is no heading of the markdown file it names. Markdig parses the files and names the headings
/// by GitHub's rules (lower case, punctuation dropped, spaces as hyphens, a repeated heading gets <c>-1</c>, <c>-2</c>).
/// </summary>
public static class MarkdownLinks
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseAutoIdentifiers(AutoIdentifierOptions.GitHub)
        .Build();

    private static readonly string[] Skipped = ["bin", "obj", "node_modules", ".git", ".tools", "TestResults", "StrykerOutput"];

    /// <summary>Every markdown file under <paramref name="root"/>, build output and tools left out.</summary>
    public static IEnumerable<string> Files(string root) =>
        Directory.EnumerateFiles(root, "*.md", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(Skipped.Contains));

    /// <summary>One line per broken link: the file (relative to <paramref name="root"/>), the line and the link.</summary>
    public static IEnumerable<string> Broken(string root)
    {
        foreach (var file in Files(root))
        {
            foreach (var link in Parse(file).Descendants<LinkInline>())
            {
                var url = link.Url ?? "";
                if (url.Length == 0 || url.Contains(':', StringComparison.Ordinal)) continue; // absolute (https:, mailto:)
                var problem = Problem(file, Uri.UnescapeDataString(url));
                if (problem is not null) yield return $"{Path.GetRelativePath(root, file)}:{link.Line + 1}: ({url}) {problem}";
            }
        }
    }

    private static string? Problem(string file, string url)
    {
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        var path = hash < 0 ? url : url[..hash];
        var target = path.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, path));
        if (!File.Exists(target) && !Directory.Exists(target)) return "no such file";
        if (hash < 0) return null;
        var anchor = url[(hash + 1)..];
        if (!target.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) return "an anchor into a file that is not markdown";
        return Headings(target).Contains(anchor) ? null : $"no heading #{anchor} in {Path.GetFileName(target)}";
    }

    /// <summary>The anchors GitHub gives the headings of a markdown file.</summary>
    public static HashSet<string> Headings(string file) =>
        Parse(file).Descendants<HeadingBlock>().Select(h => h.GetAttributes().Id).OfType<string>().ToHashSet(StringComparer.Ordinal);

    private static MarkdownDocument Parse(string file) => Markdown.Parse(File.ReadAllText(file), Pipeline);
}
