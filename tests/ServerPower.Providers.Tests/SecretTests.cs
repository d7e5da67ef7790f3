using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Providers.Tests;

/// <summary>The token never appears in an outcome message, a log line or an exception, whatever goes wrong.</summary>
public sealed class SecretTests
{
    private const string Token = "tok_SUPERSECRET_7f3a9b";
    private const string Password = "pw_ROOTSECRET_91c2";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ProviderType.Wenium, "1")]
    [InlineData(ProviderType.PterodactylPanel, "abcd1234")]
    [InlineData(ProviderType.Wings, "8d5e6a7c-1f2b-4c3d-9e8f-0a1b2c3d4e5f")]
    [InlineData(ProviderType.Heo, "vps_1")]
    public async Task The_token_never_leaks(ProviderType type, string serverId)
    {
        await using var simulator = await ProviderSimulators.StartAsync(type, new SimulatorOptions { Token = Token }, Ct);
        simulator.Servers.Add(serverId, SimPowerState.Running);
        using var harness = new ProviderHarness(options => options.RequestTimeout = TimeSpan.FromSeconds(1));
        var provider = harness.For(simulator);
        var echo = $$"""{"message":"bad token {{Token}} / {{Password}}","error":"Bearer {{Token}}","errors":[{"detail":"{{Token}}"}]}""";
        simulator.Faults.Respond(500, count: 3, body: echo);
        simulator.Faults.Respond(401, body: echo);
        simulator.Faults.Respond(200, body: """{"status":false,"success":false,"message":"token was TOKEN"}""".Replace("TOKEN", Token, StringComparison.Ordinal));
        simulator.Faults.Drop(count: 3);
        simulator.Faults.Delay(TimeSpan.FromSeconds(20));

        // Last: after a 429 with Retry-After the whole account sends nothing until it has passed. It may land on a
        // read, which carried no password to echo.
        simulator.Faults.Respond(429, body: echo.Replace(Password, "", StringComparison.Ordinal), retryAfter: TimeSpan.FromHours(1));

        var outcomes = new List<ProviderOutcome>();
        Exception? thrown = null;
        try
        {
            var rebuild = new RebuildRequest("os", null, new SecretValue(Password), null, null);
            for (var i = 0; i < 7; i++)
            {
                outcomes.Add(await provider.SendAsync(serverId, i == 0 ? ActionType.Rebuild : ActionType.Restart, rebuild, Ct));
            }

            outcomes.Add(await provider.ProbeAsync(Ct));
            outcomes.Add((await provider.ReadAsync(serverId, Ct)).Outcome);
            outcomes.Add((await provider.ReadAllAsync(Ct)).Outcome);
        }
        catch (Exception exception)
        {
            thrown = exception;
        }

        Assert.Null(thrown);
        Assert.Contains(outcomes, outcome => outcome.Message.Contains("[redacted]", StringComparison.Ordinal));
        Assert.Contains(harness.Logs.Lines, line => line.Contains("provider call failed", StringComparison.Ordinal));
        var everything = outcomes.Select(o => o.ToString()).Concat(harness.Logs.Lines).ToList();
        Assert.DoesNotContain(everything, text => text.Contains(Token, StringComparison.Ordinal));
        Assert.DoesNotContain(everything, text => text.Contains(Password, StringComparison.Ordinal));
        Assert.Contains(simulator.Requests.Snapshot(), r => r.Header("Authorization") == $"Bearer {Token}");
    }

    [Fact]
    public void Accounts_and_secrets_print_redacted()
    {
        var account = new ProviderAccount("ns/p", ProviderType.Wings, new Uri("https://wings.example:8080"), new SecretValue(Token), null, 1);

        Assert.DoesNotContain(Token, account.ToString(), StringComparison.Ordinal);
    }
}
