using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Architecture;

public class ModuleTests
{
    sealed class Dense2 : Module
    {
        public readonly Variable W = new(ones(3, 2), name: "w");
        public readonly Variable B = new(zeros(2), name: "b");

        public Tensor Call(Tensor x) => x.matmul(W) + B;
    }

    sealed class Mlp : Module
    {
        public readonly Dense2[] Layers = [new(), new()];
        public readonly Variable Steps = new(zeros(1), trainable: false, name: "steps");
    }

    [Fact]
    public void A_module_finds_its_variables_and_submodules_in_fields_and_arrays()
    {
        using var mlp = new Mlp();
        Assert.Equal(2, mlp.Submodules.Count);
        Assert.Equal(5, mlp.Variables.Count);
        Assert.Equal(4, mlp.TrainableVariables.Count);
        Assert.Equal("mlp", mlp.Name);
        using var y = mlp.Layers[0].Call(ones(1, 3));
        Assert.Equal(new float[] { 3, 3 }, y.data<float>().ToArray());
    }

    [Fact]
    public void Disposing_a_module_disposes_its_variables()
    {
        var mlp = new Mlp();
        var w = mlp.Layers[1].W;
        mlp.Dispose();
        Assert.Throws<ObjectDisposedException>(() => w.Value);
    }
}
