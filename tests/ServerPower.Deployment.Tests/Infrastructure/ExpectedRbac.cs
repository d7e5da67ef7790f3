using System.Text.Json.Nodes;

namespace ServerPower.Deployment.Tests.Infrastructure;

/// <summary>Exactly what the operator calls (least privilege), written out independently of the chart.</summary>
public static class ExpectedRbac
{
    /// <summary>Its two kinds (update/patch for finalizers), PowerSchedules read-only, the status of all three, Secrets get only, events of both APIs.</summary>
    public static JsonNode OperatorRules => Manifests.Node("""
        - apiGroups: [power.serverops.io]
          resources: [serverpowers, powerproviders]
          verbs: [get, list, watch, update, patch]
        - apiGroups: [power.serverops.io]
          resources: [powerschedules]
          verbs: [get, list, watch]
        - apiGroups: [power.serverops.io]
          resources: [serverpowers/status, powerproviders/status, powerschedules/status]
          verbs: [get, update, patch]
        - apiGroups: [""]
          resources: [secrets]
          verbs: [get]
        - apiGroups: [""]
          resources: [events]
          verbs: [create, patch]
        - apiGroups: [events.k8s.io]
          resources: [events]
          verbs: [create, patch]
        """)!;

    /// <summary>kubebuilder's leader-election role: the Lease, and events about it.</summary>
    public static JsonNode LeaderElectionRules => Manifests.Node("""
        - apiGroups: [coordination.k8s.io]
          resources: [leases]
          verbs: [get, list, watch, create, update, patch, delete]
        - apiGroups: [""]
          resources: [events]
          verbs: [create, patch]
        """)!;

    public static void AssertRules(JsonNode expected, JsonNode? actual, string what) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{what} rules differ.\nexpected: {expected.ToJsonString()}\nactual:   {actual?.ToJsonString()}");
}
