
namespace ServerPower.Api.Tests.Docs;

/// <summary>The pages link to each other by relative paths and headings: none of those links points nowhere.</summary>
public sealed class MarkdownLinkTests : IDisposable
{
    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("markdown-links-");

    [Fact]
    public void Every_relative_link_in_every_markdown_file_points_at_an_existing_file_and_heading()
    {
        Assert.Contains(RepositoryRoot.Combine("crds", "README.md"), MarkdownLinks.Files(RepositoryRoot.Path));
        var broken = MarkdownLinks.Broken(RepositoryRoot.Path).ToList();
        Assert.True(broken.Count == 0, "broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void A_missing_file_a_missing_heading_and_an_anchor_into_a_non_markdown_file_are_found()
    {
        Write("docs/a.md", """
            # Page A
            ## Fields (short name `spw`): one server
            ## Fields (short name `spw`): one server
            [ok](b.md) [ok](#page-a) [ok](b.md#the-b-heading) [ok](#fields-short-name-spw-one-server-1) [ok](https://example.com/x.md)

            | table | link |
            |---|---|
            | row | [missing in a table](missing.md) |

            [missing heading](b.md#no-such-heading) [not markdown](c.txt#x) [ok](c.txt) [ok](../top.md)
            ```
            [inside code](nowhere.md)
            ```
            """);
        Write("docs/b.md", "# The B heading\n");
        Write("docs/c.txt", "text\n");
        Write("top.md", "[up](docs/a.md#page-a)\n");
        Write("bin/ignored.md", "[build output](nowhere.md)\n");

        var broken = MarkdownLinks.Broken(_scratch.FullName).Select(b => b[(b.IndexOf('(', StringComparison.Ordinal) + 1)..b.IndexOf(')', StringComparison.Ordinal)]).ToList();

        Assert.Equal(["missing.md", "b.md#no-such-heading", "c.txt#x"], broken);
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_scratch.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public void Dispose() => _scratch.Delete(recursive: true);
}
