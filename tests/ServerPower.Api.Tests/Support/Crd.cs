using System.Text.Json.Nodes;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Api.Tests.Support;

/// <summary>One CustomResourceDefinition file from crds/, and the parts of it the tests look at.</summary>
public sealed record Crd(string File, JsonObject Document)
{
    public static Crd ServerPower { get; } = Load($"{ApiGroup.ServerPowerPlural}.{ApiGroup.Group}.yaml");

    public static Crd PowerProvider { get; } = Load($"{ApiGroup.PowerProviderPlural}.{ApiGroup.Group}.yaml");

    public static Crd PowerSchedule { get; } = Load($"{ApiGroup.PowerSchedulePlural}.{ApiGroup.Group}.yaml");

    public static Crd ForKind(string kind) => kind switch
    {
        ApiGroup.ServerPowerKind => ServerPower,
        ApiGroup.PowerProviderKind => PowerProvider,
        ApiGroup.PowerScheduleKind => PowerSchedule,
        _ => throw new ArgumentException($"no CRD for kind {kind}"),
    };

    public JsonObject Spec => Document["spec"]!.AsObject();

    public JsonObject Version => Spec["versions"]!.AsArray().Single()!.AsObject();

    public JsonObject Schema => Version["schema"]!["openAPIV3Schema"]!.AsObject();

    public string Kind => (string)Spec["names"]!["kind"]!;

    private static Crd Load(string fileName)
    {
        var path = RepositoryRoot.Combine("crds", fileName);
        return new Crd(path, YamlJson.ParseFile(path));
    }

    /// <summary>Every schema node with its path, as <c>kubectl explain</c> names fields (<c>spec.stop.gracePeriod</c>, <c>status.conditions[].type</c>).</summary>
    public IEnumerable<(string Path, JsonObject Node)> Fields() => Walk(Kind.ToLowerInvariant(), Schema);

    private static IEnumerable<(string, JsonObject)> Walk(string path, JsonObject node)
    {
        yield return (path, node);
        if (node["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                foreach (var item in Walk($"{path}.{name}", child!.AsObject())) yield return item;
            }
        }
        if (node["items"] is JsonObject items)
        {
            foreach (var item in Walk($"{path}[]", items)) yield return item;
        }
    }
}
