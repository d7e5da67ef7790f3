namespace ServerPower.Sandbox.Kubernetes.Api;

/// <summary>The built-in resources the emulator serves (stored as given, no schema validation).</summary>
public static class BuiltinResources
{
    private static readonly PrinterColumn Age = new("Age", "date", ".metadata.creationTimestamp");

    public static readonly ResourceType Namespaces = new()
    {
        Group = "", Version = "v1", Plural = "namespaces", Singular = "namespace", Kind = "Namespace",
        Namespaced = false, Behavior = ResourceBehavior.Namespace, ShortNames = ["ns"], HasStatus = true,
        OpenApiName = "io.k8s.api.core.v1.Namespace",
        Columns = [new("Status", "string", ".status.phase"), Age],
    };

    public static readonly ResourceType Secrets = new()
    {
        Group = "", Version = "v1", Plural = "secrets", Singular = "secret", Kind = "Secret",
        Namespaced = true, Behavior = ResourceBehavior.Secret, OpenApiName = "io.k8s.api.core.v1.Secret",
        Columns = [new("Type", "string", ".type"), new("Data", "integer", "#count:.data") , Age],
    };

    public static readonly ResourceType ConfigMaps = new()
    {
        Group = "", Version = "v1", Plural = "configmaps", Singular = "configmap", Kind = "ConfigMap",
        Namespaced = true, ShortNames = ["cm"], OpenApiName = "io.k8s.api.core.v1.ConfigMap",
        Columns = [new("Data", "integer", "#count:.data"), Age],
    };

    public static readonly ResourceType ServiceAccounts = new()
    {
        Group = "", Version = "v1", Plural = "serviceaccounts", Singular = "serviceaccount", Kind = "ServiceAccount",
        Namespaced = true, ShortNames = ["sa"], OpenApiName = "io.k8s.api.core.v1.ServiceAccount", Columns = [Age],
    };

    public static readonly ResourceType CoreEvents = new()
    {
        Group = "", Version = "v1", Plural = "events", Singular = "event", Kind = "Event",
        Namespaced = true, ShortNames = ["ev"], OpenApiName = "io.k8s.api.core.v1.Event",
        Columns =
        [
            new("Last Seen", "date", ".lastTimestamp"), new("Type", "string", ".type"),
            new("Reason", "string", ".reason"), new("Object", "string", ".involvedObject.name"),
            new("Message", "string", ".message"),
        ],
    };

    public static readonly ResourceType EventsV1 = new()
    {
        Group = "events.k8s.io", Version = "v1", Plural = "events", Singular = "event", Kind = "Event",
        Namespaced = true, ShortNames = ["ev"], OpenApiName = "io.k8s.api.events.v1.Event",
        Columns =
        [
            new("Type", "string", ".type"), new("Reason", "string", ".reason"),
            new("Object", "string", ".regarding.name"), new("Note", "string", ".note"),
        ],
    };

    public static readonly ResourceType Leases = new()
    {
        Group = "coordination.k8s.io", Version = "v1", Plural = "leases", Singular = "lease", Kind = "Lease",
        Namespaced = true, OpenApiName = "io.k8s.api.coordination.v1.Lease",
        Columns = [new("Holder", "string", ".spec.holderIdentity"), Age],
    };

    public static readonly ResourceType CustomResourceDefinitions = new()
    {
        Group = "apiextensions.k8s.io", Version = "v1", Plural = "customresourcedefinitions",
        Singular = "customresourcedefinition", Kind = "CustomResourceDefinition", Namespaced = false,
        Behavior = ResourceBehavior.CustomResourceDefinition, ShortNames = ["crd", "crds"],
        Categories = ["api-extensions"], HasStatus = true,
        OpenApiName = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
        Columns = [new("Created At", "date", ".metadata.creationTimestamp", Format: "raw")],
    };

    private static ResourceType Rbac(string plural, string kind, bool namespaced) => new()
    {
        Group = "rbac.authorization.k8s.io", Version = "v1", Plural = plural, Singular = kind.ToLowerInvariant(),
        Kind = kind, Namespaced = namespaced, OpenApiName = $"io.k8s.api.rbac.v1.{kind}", Columns = [Age],
    };

    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Namespaces, Secrets, ConfigMaps, ServiceAccounts, CoreEvents, EventsV1, Leases, CustomResourceDefinitions,
        Rbac("roles", "Role", true), Rbac("rolebindings", "RoleBinding", true),
        Rbac("clusterroles", "ClusterRole", false), Rbac("clusterrolebindings", "ClusterRoleBinding", false),
    ];
}
