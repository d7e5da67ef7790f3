namespace ServerPower.Sandbox.Command;

/// <summary>The sandbox cannot start here (not in a checkout, the kubeconfig cannot be written): one line, exit code 1.</summary>
public sealed class SandboxSetupException(string message) : Exception(message);
