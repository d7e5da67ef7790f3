using System.Text.RegularExpressions;
using ServerPower.Deployment.Tests.Infrastructure;

namespace ServerPower.Deployment.Tests.Image;

/// <summary>No Docker engine here: the Dockerfile is checked as text against what CI runs and what the chart expects.</summary>
public sealed partial class DockerfileTests
{
    private static readonly string[] Dockerfile = Repository.ReadText("Dockerfile").Split('\n').Select(l => l.Trim()).ToArray();

    [Fact]
    public void The_image_publishes_with_the_command_CI_runs()
    {
        var image = PublishCommand(Dockerfile.Single(l => l.StartsWith("RUN dotnet publish", StringComparison.Ordinal))["RUN ".Length..]);
        var ci = PublishCommand(Repository.ReadText(".ci", "publish.sh").Split('\n').Select(l => l.Trim())
            .Single(l => l.StartsWith("dotnet publish", StringComparison.Ordinal)));

        Assert.Equal(["dotnet", "publish", "src/ServerPower.Operator", "-c", "Release"], ci.Arguments.Take(5));
        Assert.Equal(ci.Arguments, image.Arguments);
        Assert.Equal("/app", image.Output);
    }

    [Fact]
    public void Restore_is_its_own_layer_before_the_sources_are_copied()
    {
        var restore = Array.FindIndex(Dockerfile, l => l.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        var sources = Array.FindIndex(Dockerfile, l => l.StartsWith("COPY src/ src/", StringComparison.Ordinal));
        var projects = Directory.GetFiles(Repository.PathOf("src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Repository.Root, p).Replace('\\', '/'));

        Assert.InRange(restore, 0, sources - 1);
        foreach (var project in projects)
        {
            Assert.Contains(Dockerfile[..restore], l => l.StartsWith($"COPY {project} ", StringComparison.Ordinal));
        }
        Assert.Contains(Dockerfile[..restore], l => l.Contains("Directory.Packages.props", StringComparison.Ordinal));
    }

    [Fact]
    public void The_runtime_is_chiseled_non_root_and_matches_the_chart()
    {
        var chart = Manifests.ParseOne(Repository.ReadText("charts", "serverpower-operator", "values.yaml"));
        var runtimeFrom = Dockerfile.Last(l => l.StartsWith("FROM ", StringComparison.Ordinal));

        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled", runtimeFrom);
        Assert.Contains($"USER {(int?)chart["securityContext"]!["runAsUser"]}", Dockerfile);
        Assert.Contains($"EXPOSE {(int?)chart["metrics"]!["port"]}", Dockerfile);
        Assert.Contains("ENV DOTNET_EnableDiagnostics=0", Dockerfile);
        Assert.Equal("ENTRYPOINT [\"dotnet\", \"ServerPower.Operator.dll\"]", Dockerfile.Last(l => l.Length > 0));
    }

    [Fact]
    public void Neither_the_image_nor_the_project_trims_or_compiles_ahead_of_time()
    {
        // KubernetesClient serializes with reflection-based System.Text.Json; trimming or AOT would break it.
        var project = Repository.ReadText("src", "ServerPower.Operator", "ServerPower.Operator.csproj");
        var publishLines = Dockerfile.Where(l => l.Contains("dotnet publish", StringComparison.Ordinal));

        Assert.DoesNotMatch(TrimOrAot(), project);
        Assert.All(publishLines, l => Assert.DoesNotMatch(TrimOrAot(), l));
    }

    [Fact]
    public void The_build_context_keeps_the_sources_and_drops_build_output()
    {
        var ignore = Repository.ReadText(".dockerignore").Split('\n').Select(l => l.Trim()).ToList();

        Assert.Contains("!src/", ignore);
        Assert.Contains("!Directory.Packages.props", ignore);
        Assert.Contains("**/bin/", ignore);
        Assert.Contains("**/obj/", ignore);
    }

    // The command's words without its output directory (the one thing allowed to differ).
    private static (List<string> Arguments, string Output) PublishCommand(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var o = words.IndexOf("-o");
        Assert.True(o >= 0 && o + 1 < words.Count, $"no -o <dir> in: {line}");
        var output = words[o + 1].Trim('"');
        words.RemoveRange(o, 2);
        return (words, output);
    }

    [GeneratedRegex(@"PublishTrimmed|PublishAot|PublishSingleFile|-p:PublishTrimmed|/p:PublishTrimmed", RegexOptions.IgnoreCase)]
    private static partial Regex TrimOrAot();
}
