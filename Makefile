# The two commands of README.md:
#   make run    build igpuctl and show this host (or the bundled example host
#               when this machine has no GPU)
#   make test   build with ASan/UBSan and run every test, the fuzz targets
#               briefly over their seed corpus included
# Both install the Debian packages they need first (tools/install-deps).
#
#   make fuzz   run every fuzz target (tests/fuzz) for FUZZ_SECONDS each;
#               FUZZ_TARGETS="kline grub" picks some.  New inputs collect in
#               $(FUZZBUILD)/tests/fuzz/long/NAME/corpus, crashes in
#               .../artifacts (tests/fuzz/README.md).

BUILD ?= build
TESTBUILD ?= build-test
FUZZBUILD ?= build-fuzz
FUZZ_SECONDS ?= 300
FUZZ_TARGETS ?= $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
EXAMPLE ?= examples/hosts/pve8-coffeelake

.PHONY: all run test fuzz deps test-deps bench clean

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

# The libFuzzer targets need clang; this build holds only them.
$(FUZZBUILD)/build.ninja:
	CC=clang meson setup $(FUZZBUILD) -Dfuzz=enabled -Db_sanitize=address,undefined -Db_lundef=false

run: deps all
	@if ls /sys/bus/pci/devices/*/class 2>/dev/null | xargs -r grep -l '^0x03' >/dev/null 2>&1; then \
		echo "# igpuctl status (this host)"; ./$(BUILD)/igpuctl status; \
	else \
		echo "# This machine has no GPU: igpuctl status on the bundled example host $(EXAMPLE)"; \
		./$(BUILD)/igpuctl --root $(EXAMPLE) status; \
	fi

test: test-deps $(TESTBUILD)/build.ninja $(FUZZBUILD)/build.ninja
	ninja -C $(TESTBUILD)
	ninja -C $(FUZZBUILD) fuzz
	tools/run-tests $(TESTBUILD) $(FUZZBUILD)

fuzz: test-deps $(FUZZBUILD)/build.ninja
	ninja -C $(FUZZBUILD) fuzz
	tests/fuzz/fuzz-all.sh $(FUZZBUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bench: all
	bench/iommu.sh ./$(BUILD)/igpuctl
	bench/qemu-probe.sh ./$(BUILD)/igpuctl

clean:
	rm -rf $(BUILD) $(TESTBUILD) $(FUZZBUILD)
