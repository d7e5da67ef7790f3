using ServerPower.Sandbox.Providers;

namespace ServerPower.EndToEnd.Tests.Infrastructure;

/// <summary>The Secret and PowerProvider of one account at a provider simulator, as a user would write them.</summary>
public static class ProviderManifest
{
    public static string For(IProviderSimulator simulator, string name = "wenium") => $$"""
        apiVersion: v1
        kind: Secret
        metadata: {name: {{name}}-token}
        stringData: {token: "{{simulator.Token}}"}
        ---
        apiVersion: power.serverops.io/v1alpha1
        kind: PowerProvider
        metadata: {name: {{name}}}
        spec:
          type: {{simulator.Type}}
          endpoint: {{simulator.BaseAddress.ToString().TrimEnd('/')}}
          credentialsSecretRef: {name: {{name}}-token, key: token}
        """;
}
