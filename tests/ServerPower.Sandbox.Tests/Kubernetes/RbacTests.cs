using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ServerPower.Sandbox.Kubernetes.Rbac;

namespace ServerPower.Sandbox.Tests.Kubernetes;

/// <summary>RBAC enforcement for a restricted identity (issue 6.3).</summary>
public sealed class RbacTests
{
    private const string Token = "operator-token";
    private const string User = "system:serviceaccount:serverpower-system:serverpower-operator";

    private const string RulesYaml = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: operator
        rules:
        - apiGroups: ["sandbox.test.io"]
          resources: ["widgets"]
          verbs: ["get", "list", "watch", "patch"]
        - apiGroups: ["sandbox.test.io"]
          resources: ["widgets/status"]
          verbs: ["patch"]
        - apiGroups: [""]
          resources: ["secrets"]
          verbs: ["get"]
          resourceNames: ["provider-creds"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: leader-election
          namespace: ops
        rules:
        - apiGroups: ["coordination.k8s.io"]
          resources: ["leases"]
          verbs: ["get", "create", "update"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: ignored
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: operator}
        subjects: [{kind: ServiceAccount, name: serverpower-operator, namespace: serverpower-system}]
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<EmulatorHarness> StartAsync()
    {
        var h = await EmulatorHarness.StartAsync(o => o.Identities.Add(EmulatorIdentity.FromRbacYaml(Token, RulesYaml)));
        await h.InstallTestCrdAsync();
        await h.SendAsync(HttpMethod.Post, "/apis/sandbox.test.io/v1/namespaces/default/widgets", EmulatorHarness.Widget("w1"));
        await h.SendAsync(HttpMethod.Post, "/api/v1/namespaces", JsonNode.Parse("""{"metadata":{"name":"ops"}}"""));
        return h;
    }

    [Fact]
    public void Rules_load_from_Role_and_ClusterRole_documents()
    {
        var identity = EmulatorIdentity.FromRbacYaml(Token, RulesYaml);
        Assert.Equal(4, identity.Rules.Count);
        Assert.Null(identity.Rules[0].Namespace);
        Assert.Equal("ops", identity.Rules[3].Namespace);
        Assert.True(identity.Allows(new RequestAttributes("patch", "sandbox.test.io", "widgets", "status", "default", "w1")));
        Assert.False(identity.Allows(new RequestAttributes("update", "sandbox.test.io", "widgets", "status", "default", "w1")));
        Assert.False(identity.Allows(new RequestAttributes("get", "", "secrets", "", "default", "other")));
        Assert.True(identity.Allows(new RequestAttributes("update", "coordination.k8s.io", "leases", "", "ops", "lock")));
        Assert.False(identity.Allows(new RequestAttributes("update", "coordination.k8s.io", "leases", "", "default", "lock")));
    }

    [Fact]
    public async Task The_restricted_identity_gets_exactly_what_its_rules_allow()
    {
        await using var h = await StartAsync();
        var kubeconfig = h.Emulator.WriteKubeconfigFor(Path.Combine(h.Dir, "operator.kubeconfig"), new EmulatorIdentity(Token, []));
        using var client = h.Client(kubeconfig);

        var list = (JsonElement)await client.CustomObjects.ListNamespacedCustomObjectAsync(TestCrd.Group, "v1", "default", TestCrd.Plural, cancellationToken: Ct);
        Assert.Equal(1, list.GetProperty("items").GetArrayLength());
        await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch("""{"status":{"phase":"On"}}""", V1Patch.PatchType.MergePatch),
            TestCrd.Group, "v1", "default", TestCrd.Plural, "w1", cancellationToken: Ct);

        var delete = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CustomObjects.DeleteNamespacedCustomObjectAsync(TestCrd.Group, "v1", "default", TestCrd.Plural, "w1", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.Forbidden, delete.Response.StatusCode);
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"widgets.sandbox.test.io \u0022w1\u0022 is forbidden: User \u0022system:serviceaccount:serverpower-system:serverpower-operator\u0022 cannot delete resource \u0022widgets\u0022 in API group \u0022sandbox.test.io\u0022 in the namespace \u0022default\u0022","reason":"Forbidden","details":{"name":"w1","group":"sandbox.test.io","kind":"widgets"},"code":403}""",
            delete.Response.Content);

        var secret = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedSecretAsync("other", "default", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.Forbidden, secret.Response.StatusCode);
        Assert.Contains($"secrets \\u0022other\\u0022 is forbidden: User \\u0022{User}\\u0022 cannot get resource \\u0022secrets\\u0022 in API group \\u0022\\u0022 in the namespace \\u0022default\\u0022", secret.Response.Content);
        var allowedSecret = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedSecretAsync("provider-creds", "default", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, allowedSecret.Response.StatusCode);

        var clusterList = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespaceAsync(cancellationToken: Ct));
        Assert.Contains("namespaces is forbidden", clusterList.Response.Content);
        Assert.Contains("cannot list resource \\u0022namespaces\\u0022 in API group \\u0022\\u0022 at the cluster scope", clusterList.Response.Content);

        var lease = new V1Lease { Metadata = new V1ObjectMeta { Name = "lock" }, Spec = new V1LeaseSpec { HolderIdentity = "me" } };
        var created = await client.CoordinationV1.CreateNamespacedLeaseAsync(lease, "ops", cancellationToken: Ct);
        Assert.Equal("me", created.Spec.HolderIdentity);
        var wrongNamespace = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.CreateNamespacedLeaseAsync(lease, "default", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.Forbidden, wrongNamespace.Response.StatusCode);
    }

    [Fact]
    public async Task Unknown_tokens_are_401_and_anonymous_can_be_refused()
    {
        await using var h = await EmulatorHarness.StartAsync(o => o.AnonymousIsAdmin = false);
        using var anonymous = new HttpClient { BaseAddress = h.Emulator.BaseAddress };
        var reply = await anonymous.GetAsync("/api/v1/namespaces", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, reply.StatusCode);
        var status = JsonNode.Parse(await reply.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("Unauthorized", (string?)status["reason"]);

        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/namespaces", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.Http.GetAsync("/api/v1/namespaces", Ct)).StatusCode);
    }
}
