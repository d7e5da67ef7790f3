using System.Text.Json.Nodes;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Providers.Tests.Support;

/// <summary>Assertions on what went over the wire.</summary>
public static class WireAssert
{
    /// <summary>Exactly one request was received, and it is this one, with the common headers.</summary>
    public static RecordedRequest Single(IProviderSimulator simulator, string method, string path, string query = "", string? json = null, bool authenticated = true)
    {
        var request = Assert.Single(simulator.Requests.Snapshot());
        Request(request, simulator, method, path, query, json, authenticated);
        return request;
    }

    public static void Request(
        RecordedRequest request, IProviderSimulator simulator, string method, string path, string query = "", string? json = null, bool authenticated = true)
    {
        Assert.Equal(method, request.Method);
        Assert.Equal(path, request.Path);
        Assert.Equal(query, request.Query);
        Assert.Equal("application/json", request.Header("Accept"));
        Assert.Matches(@"^serverpower-operator/\d+\.\d+\.\d+", request.Header("User-Agent") ?? "");
        Assert.Equal(authenticated ? $"Bearer {simulator.Token}" : null, request.Header("Authorization"));
        if (json is null)
        {
            Assert.Equal("", request.Body);
            Assert.Null(request.Header("Content-Type"));
        }
        else
        {
            Assert.Equal("application/json", request.Header("Content-Type"));
            Assert.True(
                JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(request.Body)),
                $"expected body {json} but got {request.Body}");
        }
    }
}
