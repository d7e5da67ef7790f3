using System.Net;
using k8s.Autorest;
using ServerPower.KubectlPower.Kube;

namespace ServerPower.KubectlPower.Tests;

public sealed class ApiErrorTests
{
    private static string Describe(HttpStatusCode code, string body) =>
        ServerPowers.Describe(new HttpOperationException { Response = new HttpResponseMessageWrapper(new HttpResponseMessage(code), body) });

    [Fact]
    public void The_API_servers_own_Status_message_is_kept_on_one_line()
    {
        Assert.Equal("not found: serverpowers.power.serverops.io \"web\" not found",
            Describe(HttpStatusCode.NotFound, """{"kind":"Status","status":"Failure","message":"serverpowers.power.serverops.io \"web\" not found","reason":"NotFound","code":404}"""));
        Assert.Equal("invalid: spec.state: Unsupported value: \"Paused\"",
            Describe(HttpStatusCode.UnprocessableEntity, """{"kind":"Status","message":"spec.state: Unsupported value:\n\"Paused\""}"""));
    }

    [Fact]
    public void Without_a_Status_body_the_HTTP_status_says_what_happened()
    {
        Assert.Equal("unauthorized (the kubeconfig's credentials were refused)", Describe(HttpStatusCode.Unauthorized, ""));
        Assert.Equal("the Kubernetes API answered 503", Describe(HttpStatusCode.ServiceUnavailable, "<html>busy</html>"));
    }
}
