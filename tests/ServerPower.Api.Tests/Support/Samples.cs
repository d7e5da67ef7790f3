using System.Text.Json.Nodes;

namespace ServerPower.Api.Tests.Support;

/// <summary>The manifests in config/samples, each document with the file it came from.</summary>
public static class Samples
{
    public static string Directory { get; } = RepositoryRoot.Combine("config", "samples");

    public static IReadOnlyList<string> Files { get; } =
        System.IO.Directory.GetFiles(Directory, "*.yaml")
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .Order(StringComparer.Ordinal)
            .ToList();

    public static IReadOnlyList<Sample> Documents { get; } =
        Files.SelectMany(f => YamlJson.ParseDocuments(File.ReadAllText(f)).Select(d => new Sample(Path.GetFileName(f), d))).ToList();

    public static IEnumerable<Sample> OfKind(string kind) => Documents.Where(d => d.Kind == kind);
}

public sealed record Sample(string File, JsonObject Document)
{
    public string Kind => (string?)Document["kind"] ?? "";

    public string Name => (string?)Document["metadata"]?["name"] ?? "";

    public JsonNode Spec => Document["spec"]!;

    public override string ToString() => $"{File}: {Kind}/{Name}";
}
