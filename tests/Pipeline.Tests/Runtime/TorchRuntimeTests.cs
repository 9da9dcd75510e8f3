using Pipeline.Runtime;
using TorchSharp;

namespace Pipeline.Tests.Runtime;

public class TorchRuntimeTests
{
    [Fact]
    public void The_default_device_falls_back_to_cpu_with_one_log_line_when_cuda_is_absent()
    {
        var device = TorchRuntime.Device;
        if (torch.cuda.is_available())
            Assert.Equal(DeviceType.CUDA, device.type);
        else
            Assert.Equal(DeviceType.CPU, device.type);
        Assert.Same(device, TorchRuntime.Device);
    }
}
