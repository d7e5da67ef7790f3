using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// A person's changes to the ServerPowers and the API's faults, one picked by the seed per step: spec.state flipped,
/// a restart or rebuild token set (a new one, or one used before: a repeat or a rollback), the object deleted (or,
/// when gone, created, sometimes with a token already on it), spec.serverId moved to one of three servers, another
/// controller's write, watches broken (connection reset, 429, 500, 403), the log compacted (410), the next write's
/// answer lost, or time passing (up to 3 s, or one time in four up to 30 s: past a stop's grace period); then up to four steps for the rest.
/// </summary>
internal sealed class Person(DeterministicScheduler scheduler, ServerPowerApi api)
{
    private readonly List<string> used = [];

    private Random Choices => scheduler.Choices;

    public void Create(ObjectKey key)
    {
        var annotations = Choices.Next(3) == 0 ? new Dictionary<string, string> { [Annotations.Restart] = NewToken() } : null;
        api.Create(key, new ServerPowerSpec
        {
            ProviderRef = new LocalObjectReference { Name = ServerPowerApi.ProviderName },
            ServerId = ServerId(),
            State = Choices.Next(2) == 0 ? DesiredPowerState.Running : DesiredPowerState.Stopped,
            DeletionPolicy = DeletionPolicy.Stop,
            Stop = new StopSpec { GracePeriod = "20s", OnTimeout = StopTimeoutAction.Kill },
        }, annotations);
    }

    public async Task ChangeAsync(FakeTimeProvider time)
    {
        var key = ScenarioSteps.Keys[Choices.Next(ScenarioSteps.Keys.Length)];
        if (api.Server(key) is null) Create(key);
        else
        {
            switch (Choices.Next(13))
            {
                case 0: case 1: api.Edit(key, s => With(s, s.Spec with { State = s.Spec.State == DesiredPowerState.Running ? DesiredPowerState.Stopped : DesiredPowerState.Running })); break;
                case 2: Annotate(key, Annotations.Restart, NewToken()); break;
                case 3: Annotate(key, Annotations.Restart, used.Count > 0 ? used[Choices.Next(used.Count)] : NewToken()); break;
                case 4: Annotate(key, Annotations.Rebuild, Choices.Next(3) == 0 && used.Count > 0 ? used[Choices.Next(used.Count)] : NewToken()); break;
                case 5: api.Delete(key); break;
                case 6: api.Edit(key, s => With(s, s.Spec with { ServerId = ServerId() })); break;
                case 7: api.ForeignWrite(key); break;
                case 8: case 9: if (Choices.Next(3) == 0) api.Compact(); else api.BreakWatches(Choices.Next(4)); break;
                case 10: api.LoseNextAnswer(); break;
                default: time.Advance(TimeSpan.FromMilliseconds(Choices.Next(Choices.Next(4) == 0 ? 30_000 : 3000))); break;
            }
        }
        for (var i = Choices.Next(4); i >= 0; i--) await scheduler.Yield();
    }

    private void Annotate(ObjectKey key, string annotation, string token) =>
        api.Edit(key, s =>
        {
            s.Metadata.Annotations = new Dictionary<string, string>(s.Metadata.Annotations ?? new Dictionary<string, string>()) { [annotation] = token };
            return s;
        });

    private static ServerPowerResource With(ServerPowerResource server, ServerPowerSpec spec)
    {
        server.Spec = spec;
        return server;
    }

    private string NewToken()
    {
        var token = $"t{used.Count + 1}";
        used.Add(token);
        return token;
    }

    private string ServerId() => $"s{Choices.Next(3) + 1}";
}
