using ServerPower.Api.Resources;
using ServerPower.Operator.Probing;
using ServerPower.Operator.Reconciliation;
using ServerPower.Operator.Endpoints;

namespace ServerPower.Operator.Tests.Probing;

public sealed class ProbeTargetPolicyTests
{
    [Theory]
    [InlineData("https://web.example.com/health", false, false, "", null)]
    [InlineData("http://web.example.com/health", false, false, "", "plain http probe targets are not allowed")]
    [InlineData("http://web.example.com/health", true, false, "", null)]
    [InlineData("http://127.0.0.1:8080/health", false, true, "", null)]
    [InlineData("http://localhost:8080/health", false, true, "", null)]
    [InlineData("http://localhost:8080/health", false, false, "", "plain http probe targets are not allowed")]
    [InlineData("http://10.0.0.5:8080/health", false, true, "", "plain http probe targets are not allowed")]
    [InlineData("https://web.example.com/health?full=1", false, false, "web.example.com", null)]
    [InlineData("https://other.example.com/health", false, false, "web.example.com", "probe host 'other.example.com' is not in the operator's allowed endpoint hosts")]
    [InlineData("https://user:pw@web.example.com/", false, false, "", "httpGet.url must not carry a user name or password")]
    [InlineData("ftp://web.example.com/", true, true, "", "is not an absolute http or https URL")]
    public void HttpGet_follows_the_endpoint_rules(string url, bool allowHttp, bool loopback, string hosts, string? refusal)
    {
        var policy = new ProbeTargetPolicy(new EndpointPolicy(allowHttp, loopback, hosts.Split(',', StringSplitOptions.RemoveEmptyEntries)));
        var why = policy.Check(new ReadinessProbeSpec { HttpGet = new HttpGetProbe { Url = url } });
        if (refusal is null) Assert.Null(why);
        else Assert.Contains(refusal, why);
    }

    [Theory]
    [InlineData("mc.example.com", 25565, "", null)]
    [InlineData("mc.example.com", 25565, "MC.example.com", null)]
    [InlineData("db.example.com", 5432, "mc.example.com", "probe host 'db.example.com' is not in the operator's allowed endpoint hosts")]
    [InlineData("mc.example.com", 1, "", null)]
    [InlineData("mc.example.com", 65535, "", null)]
    [InlineData("mc.example.com", 0, "", "tcpSocket.port 0 is not a TCP port")]
    [InlineData("mc.example.com", 65536, "", "tcpSocket.port 65536 is not a TCP port")]
    [InlineData("bad host", 80, "", "tcpSocket.host 'bad host' is not a host name or IP address")]
    public void TcpSocket_obeys_the_allowed_hosts(string host, int port, string hosts, string? refusal)
    {
        var policy = new ProbeTargetPolicy(new EndpointPolicy(false, false, hosts.Split(',', StringSplitOptions.RemoveEmptyEntries)));
        var why = policy.Check(new ReadinessProbeSpec { TcpSocket = new TcpSocketProbe { Host = host, Port = port } });
        if (refusal is null) Assert.Null(why);
        else Assert.Contains(refusal, why);
    }

    [Fact]
    public void Exactly_one_kind_of_probe()
    {
        var policy = new ProbeTargetPolicy(EndpointPolicy.Default);
        const string why = "readinessProbe needs exactly one of tcpSocket and httpGet";
        Assert.Equal(why, policy.Check(new ReadinessProbeSpec()));
        Assert.Equal(why, policy.Check(new ReadinessProbeSpec
        {
            TcpSocket = new TcpSocketProbe { Host = "a", Port = 1 }, HttpGet = new HttpGetProbe { Url = "https://a/" },
        }));
    }
}
