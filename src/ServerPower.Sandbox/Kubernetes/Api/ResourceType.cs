using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Kubernetes.Api;

/// <summary>How the emulator treats a resource beyond plain storage.</summary>
public enum ResourceBehavior
{
    Plain,
    Namespace,
    Secret,
    CustomResourceDefinition,
    Custom,
}

/// <summary>A printer column (CRD additionalPrinterColumns or a built-in table column).</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description = "", int Priority = 0, string Format = "");

/// <summary>One served group/version/resource and everything the server needs to know about it.</summary>
public sealed record ResourceType
{
    public required string Group { get; init; }
    public required string Version { get; init; }
    public required string Plural { get; init; }
    public required string Singular { get; init; }
    public required string Kind { get; init; }
    public required bool Namespaced { get; init; }
    public ResourceBehavior Behavior { get; init; } = ResourceBehavior.Plain;
    public IReadOnlyList<string> ShortNames { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public bool HasStatus { get; init; }
    /// <summary>The openAPIV3Schema of a CRD version; null for built-ins (no validation).</summary>
    public JsonObject? Schema { get; init; }
    /// <summary>The schema's x-kubernetes-validations, compiled once when the CRD was written; null when it has none.</summary>
    public Schema.CelRuleNode? Rules { get; init; }
    /// <summary>Table columns after the Name column; empty = the default "Created At" / Age column.</summary>
    public IReadOnlyList<PrinterColumn> Columns { get; init; } = [];
    /// <summary>Name of the OpenAPI component that describes this kind.</summary>
    public string? OpenApiName { get; init; }
    /// <summary>True when the CRD serves several versions: stored objects are presented in the requested version.</summary>
    public bool MultiVersion { get; init; }

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string GroupVersion => ApiVersion;
    public string ListKind => Kind + "List";
    /// <summary>Key shared by all versions of a resource: objects are stored once per group/resource.</summary>
    public string StorageKey => $"{Group}/{Plural}";
    /// <summary>"serverpowers.power.serverops.io", or "secrets" for the core group.</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
    public bool IsCustom => Behavior == ResourceBehavior.Custom;

    public static readonly IReadOnlyList<string> AllVerbs =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
}
