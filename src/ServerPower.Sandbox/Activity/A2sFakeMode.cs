namespace ServerPower.Sandbox.Activity;

/// <summary>How the <see cref="A2sResponder"/> answers an A2S_INFO request.</summary>
public enum A2sFakeMode
{
    /// <summary>An A2S_INFO answer (after a challenge when <see cref="A2sResponder.RequireChallenge"/>).</summary>
    Answer,

    /// <summary>Receives and never answers.</summary>
    Silent,

    /// <summary>A datagram that is not an A2S answer.</summary>
    Garbage,

    /// <summary>An A2S_INFO answer padded to 4000 bytes, past the 1400 a Source server ever sends in one packet.</summary>
    Oversized,

    /// <summary>Answers every request, challenge or not, with a fresh challenge.</summary>
    ChallengeForever,
}
