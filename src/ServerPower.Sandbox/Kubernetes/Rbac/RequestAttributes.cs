namespace ServerPower.Sandbox.Kubernetes.Rbac;

/// <summary>What the authorizer sees of a resource request (verb from the HTTP method, as kube-apiserver derives it).</summary>
public sealed record RequestAttributes(
    string Verb,
    string ApiGroup,
    string Resource,
    string Subresource,
    string Namespace,
    string Name);
