namespace Pipeline;

/// <summary>
/// The pipeline's seeded generator: xoshiro256** seeded through SplitMix64. Its sequence for a seed is fixed by
/// this code alone, so a seeded Shuffle yields the same order on every run, machine and .NET version
/// (System.Random's algorithm for a seed is an implementation detail we do not want to depend on).
/// </summary>
sealed class DeterministicRandom
{
    ulong _s0, _s1, _s2, _s3;

    internal DeterministicRandom(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>Derives a stream seed from a user seed and a stream number (e.g. the epoch), so epochs differ but stay reproducible.</summary>
    internal static ulong Mix(long seed, long stream)
    {
        var x = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)stream * 0xC2B2AE3D27D4EB4FUL);
        return SplitMix(ref x);
    }

    internal static long NewSeed() => BitConverter.ToInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    internal ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform integer in [0, n) without modulo bias (Lemire's multiply-and-reject).</summary>
    internal int NextInt(int n)
    {
        var range = (ulong)n;
        var product = Math.BigMul(NextUInt64(), range, out var low);
        if (low < range)
        {
            var threshold = unchecked(0 - range) % range;
            while (low < threshold) product = Math.BigMul(NextUInt64(), range, out low);
        }
        return (int)product;
    }

    /// <summary>Uniform double in [0, 1).</summary>
    internal double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
