using System.Text;
using CsCheck;
using ServerPower.Providers.Activity;

namespace ServerPower.Providers.Tests.Activity;

/// <summary>
/// The two protocol parsers over random bytes: no exception escapes, a count is never negative, a declared length past
/// the bound is refused without allocating it, and a well-formed answer is read exactly.
/// </summary>
public sealed class ActivityParserProperties
{
    private const int Bound = 4096;

    private static ActivityRead ReadMinecraft(byte[] bytes) =>
        MinecraftStatus.ReadAnswerAsync(new MemoryStream(bytes), Bound, CancellationToken.None).GetAwaiter().GetResult();

    [Fact]
    public void Minecraft_random_bytes_never_throw_and_never_read_a_negative_count() =>
        Gen.Byte.Array[0, 600].Sample(bytes =>
        {
            var read = ReadMinecraft(bytes);
            Assert.True(read.IsKnown == (read.Outcome == ActivityOutcome.Read) && read.Players is null or >= 0, read.ToString());
        }, iter: 20_000);

    [Fact]
    public void Minecraft_random_bytes_after_a_valid_frame_prefix_never_throw() =>
        Gen.Byte.Array[0, 300].Sample(tail =>
        {
            // A packet id 0 and a string length that points into the random tail.
            byte[] body = [0x00, .. VarInt.Encode(tail.Length), .. tail];
            var read = ReadMinecraft([.. VarInt.Encode(body.Length), .. body]);
            Assert.NotEqual(ActivityOutcome.Failed, read.Outcome);
        }, iter: 20_000);

    [Fact]
    public void Minecraft_a_declared_length_past_the_bound_is_too_large_without_allocating_it() =>
        Gen.Int[Bound + 1, int.MaxValue].Sample(declared =>
        {
            var stream = new MemoryStream([.. VarInt.Encode(declared), 0x00, 0x01]);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var read = MinecraftStatus.ReadAnswerAsync(stream, Bound, CancellationToken.None).GetAwaiter().GetResult();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(ActivityOutcome.TooLarge, read.Outcome);
            Assert.True(allocated < 16 * 1024, $"{allocated} bytes allocated for a declared {declared}");
        }, iter: 2_000);

    [Fact]
    public void Minecraft_a_well_formed_status_response_is_read_exactly() =>
        Gen.Select(Gen.Int[0, 1_000_000], Gen.String[0, 40]).Sample((online, motd) =>
        {
            var json = Encoding.UTF8.GetBytes($$"""{"version":{"name":"x","protocol":767},"players":{"max":5,"online":{{online}}},"description":{{System.Text.Json.JsonSerializer.Serialize(motd)}}}""");
            byte[] body = [0x00, .. VarInt.Encode(json.Length), .. json];
            Assert.Equal(online, ReadMinecraft([.. VarInt.Encode(body.Length), .. body]).Players);
        });

    [Fact]
    public void VarInt_round_trips_every_int() =>
        Gen.Int.Sample(value =>
        {
            var bytes = VarInt.Encode(value);
            Assert.True(VarInt.TryRead(bytes, out var read, out var length));
            Assert.Equal((value, bytes.Length), (read, length));
            Assert.InRange(length, 1, VarInt.MaxBytes);
        });

    [Fact]
    public void A2s_random_bytes_never_throw() =>
        Gen.Byte.Array[0, 1500].Sample(bytes =>
        {
            var answer = A2sInfo.Parse(bytes);
            Assert.True((answer.Read is null) != (answer.Challenge is null));
            Assert.True(answer.Read?.Players is null or >= 0);
        }, iter: 20_000);

    [Fact]
    public void A2s_random_bytes_after_an_info_header_never_throw() =>
        Gen.Byte.Array[0, 200].Sample(tail =>
        {
            var answer = A2sInfo.Parse([0xFF, 0xFF, 0xFF, 0xFF, 0x49, .. tail]);
            Assert.NotNull(answer.Read);
        }, iter: 20_000);

    private static readonly Gen<string> NoNul = Gen.String[Gen.Char.Where(c => c != '\0'), 0, 30];

    [Fact]
    public void A2s_a_well_formed_info_answer_counts_players_minus_bots() =>
        Gen.Select(NoNul.Array[4], Gen.Byte, Gen.Byte, Gen.Byte.Array[0, 20]).Where((_, players, bots, _) => bots <= players)
            .Sample((texts, players, bots, rest) =>
            {
                var answer = new List<byte> { 0xFF, 0xFF, 0xFF, 0xFF, 0x49, 17 };
                foreach (var text in texts) answer.AddRange([.. Encoding.UTF8.GetBytes(text), 0]);
                answer.AddRange([0x40, 0x01, players, 32, bots, .. rest]);
                Assert.Equal(players - bots, A2sInfo.Parse([.. answer]).Read?.Players);
            });

    [Fact]
    public void A2s_a_challenge_is_its_four_bytes() =>
        Gen.Byte.Array[4].Sample(challenge =>
            Assert.Equal(challenge, A2sInfo.Parse([0xFF, 0xFF, 0xFF, 0xFF, 0x41, .. challenge]).Challenge));
}
