namespace Pipeline;

/// <summary>
/// Marks a method (or every method of a class) whose result depends on randomness: a random flip, crop or jitter, a
/// noise generator. <c>Lint()</c> then knows that a <c>Map</c> whose function calls it, directly or through methods of
/// yours, is a random step, and reports a <c>Cache</c> after it (rule PL003), whatever the function is called.
/// </summary>
/// <remarks>
/// The library marks its own random operations with it, and so can you:
/// <code>
/// [RandomOp]
/// static Tensor AddNoise(Tensor x) => x + 0.1 * torch.randn_like(x);
///
/// ds.Map(x => AddNoise(x)).Cache();   // Lint(): PL003, the cache would replay the first epoch's noise
/// </code>
/// libtorch's and .NET's random sources (<c>torch.rand*</c>, <c>torch.normal</c>, <c>bernoulli</c>, in-place
/// <c>uniform_</c>/<c>normal_</c>, <c>System.Random</c>, ...) count as marked. docs/pipeline-lint.md gives the full rule.
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class RandomOpAttribute : Attribute
{
}
