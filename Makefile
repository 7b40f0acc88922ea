# The two commands of README.md:
#   make run    build igpuctl and show this host (or the bundled example host
#               when this machine has no GPU)
#   make test   build with ASan/UBSan and run every test
# Both install the Debian packages they need first (tools/install-deps).

BUILD ?= build
TESTBUILD ?= build-test
EXAMPLE ?= examples/hosts/pve8-coffeelake

.PHONY: all run test deps test-deps bench clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	tools/install-deps --build

test-deps:
	tools/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD)

$(TESTBUILD)/build.ninja:
	meson setup $(TESTBUILD) -Db_sanitize=address,undefined -Db_lundef=false

run: deps all
	@if ls /sys/bus/pci/devices/*/class 2>/dev/null | xargs -r grep -l '^0x03' >/dev/null 2>&1; then \
		echo "# igpuctl status (this host)"; ./$(BUILD)/igpuctl status; \
	else \
		echo "# This machine has no GPU: igpuctl status on the bundled example host $(EXAMPLE)"; \
		./$(BUILD)/igpuctl --root $(EXAMPLE) status; \
	fi

test: test-deps $(TESTBUILD)/build.ninja
	ninja -C $(TESTBUILD)
	tools/run-tests $(TESTBUILD)

bench: all
	bench/iommu.sh ./$(BUILD)/igpuctl

clean:
	rm -rf $(BUILD) $(TESTBUILD)
