namespace ServerPower.Api.Connection;

/// <summary>A kubeconfig that cannot be used: the message is one line, for the operator's and the plugin's errors.</summary>
public sealed class KubeconfigException(string message) : Exception(message);
