using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Lint;

/// <summary>
/// Lint sees randomness in what a function calls, not in what it is named: a Map, Filter or FlatMap whose code reaches a
/// [RandomOp] method, a libtorch sampler or System.Random is a random step (PL003 for a Cache after it).
/// </summary>
public class RandomStepTests
{
    static Dataset<Tensor> Images => Dataset.FromTensorSlices(torch.zeros(8, 4, 4, 3));

    static IEnumerable<string> Ids<T>(Dataset<T> ds) => ds.Lint().Select(f => f.RuleId);

    [RandomOp]
    static Tensor Perturb(Tensor x) => x;

    static Tensor Prepare(Tensor x) => Perturb(x);   // a helper of ours that calls a marked op

    static Tensor Scale(Tensor x) => x * 2;

    static readonly Random Dice = new(1);

    [RandomOp]
    sealed class MyAugmentations
    {
        internal static Tensor Shift(Tensor x) => x;
    }

    [Fact]
    public void A_lambda_adding_torch_noise_is_random_whatever_its_name()
    {
        var ds = Images.Map(x => x + torch.randn_like(x)).Cache();
        Assert.Contains(LintRules.CacheAfterRandomStep, Ids(ds));
        Assert.Equal(StepTraits.Random, ds.Plan[1].Traits & StepTraits.Random);
    }

    [Fact]
    public void A_call_to_a_method_marked_RandomOp_is_random_even_through_helpers()
    {
        Assert.Contains(LintRules.CacheAfterRandomStep, Ids(Images.Map(Perturb).Cache()));
        Assert.Contains(LintRules.CacheAfterRandomStep, Ids(Images.Map(x => Prepare(x)).Cache()));
        Assert.Contains(LintRules.CacheAfterRandomStep, Ids(Images.Map(x => MyAugmentations.Shift(x)).Cache()));
    }

    [Fact]
    public void System_Random_in_a_pair_map_or_a_filter_is_random()
    {
        var pairs = Dataset.FromTensorSlices(torch.zeros(8, 2), torch.zeros(8));
        Assert.Contains(LintRules.CacheAfterRandomStep, Ids(pairs.Map((x, y) => (x * Dice.NextSingle(), y)).Cache()));
        Assert.Contains(LintRules.CacheAfterRandomStep, Ids(Dataset.Range(10).Filter(_ => Dice.Next(2) == 0).Cache()));
    }

    [Fact]
    public void A_flat_map_that_shuffles_its_inner_datasets_is_random()
    {
        var ds = Dataset.Range(3).FlatMap(x => Dataset.Range(x * 10, x * 10 + 5).Shuffle(5)).Cache();
        Assert.Contains(LintRules.CacheAfterRandomStep, Ids(ds));
    }

    [Fact]
    public void Deterministic_functions_are_not_random_and_explicit_traits_win()
    {
        Assert.DoesNotContain(LintRules.CacheAfterRandomStep, Ids(Images.Map(Scale).Cache()));
        Assert.DoesNotContain(LintRules.CacheAfterRandomStep, Ids(Images.Map(x => x.flip(1)).Cache()));   // a flip, but not a random one
        Assert.DoesNotContain(LintRules.CacheAfterRandomStep, Ids(Images.Map(x => x + torch.randn_like(x), traits: StepTraits.None).Cache()));
        Assert.Contains(LintRules.CacheAfterRandomStep, Ids(Images.Map(Scale, traits: StepTraits.Random).Cache()));
    }
}
